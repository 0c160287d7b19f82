import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { withDatabase } from '../../config/database-url';
import { env } from '../../config/env';
import {
  assertServices,
  checkPostgres,
  checkRedis,
  compareVersions,
  redactUrl,
  ServiceUnavailableError,
} from '../../config/services';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback port that nothing listens on. */
async function deadPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A loopback server that accepts connections and never answers. */
async function silentServer(): Promise<number> {
  return listen(net.createServer((socket) => socket.on('error', () => {}).resume()));
}

/**
 * A loopback server speaking just enough RESP to pose as Redis `version`: INFO gets a bulk reply
 * with redis_version, any other command +OK.
 */
async function fakeRedis(version: string): Promise<number> {
  const info = `# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\n`;
  return listen(
    net.createServer((socket) => {
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        const lines = chunk.toString().split('\r\n');
        lines.forEach((line, index) => {
          if (!/^\*\d+$/.test(line)) return;
          const command = (lines[index + 2] ?? '').toUpperCase();
          socket.write(command === 'INFO' ? `$${Buffer.byteLength(info)}\r\n${info}\r\n` : '+OK\r\n');
        });
      });
    }),
  );
}

/** A loopback server that answers PostgreSQL's SSLRequest with 'N', as a server with ssl = off does. */
async function postgresWithoutSsl(): Promise<number> {
  return listen(
    net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.write('N'));
    }),
  );
}

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function failureOf(promise: Promise<unknown>): Promise<ServiceUnavailableError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the check to fail');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ServiceUnavailableError);
  return error as ServiceUnavailableError;
}

describe('checkRedis', () => {
  it('resolves with the version of the running Redis', async () => {
    const version = await checkRedis(env().REDIS_URL);

    expect(compareVersions(version, '6.2.0')).toBeGreaterThanOrEqual(0);
  });

  it('fails fast on a dead port, naming Redis, the URL and how to start it', async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const started = Date.now();

    const error = await failureOf(checkRedis(url));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.service).toBe('Redis');
    expect(error.message).toMatch(
      new RegExp(`^Redis does not answer at ${url} \\(ECONNREFUSED\\): start it with \`redis-server`),
    );
    expect(error.message).toContain('Debian package redis-server');
    expect(error.message).not.toContain('\n');
  });

  it('redacts the password in the message', async () => {
    const error = await failureOf(checkRedis(`redis://:hunter2@127.0.0.1:${await deadPort()}`));

    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain(':***@127.0.0.1');
  });

  it('reports a refused AUTH apart from a dead server', async () => {
    const error = await failureOf(checkRedis('redis://:wrong@127.0.0.1:6379'));

    expect(error.message).toMatch(
      /^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:6379 refused the connection \(.+\): check the password in REDIS_URL$/,
    );
  });

  it('reports a db the server does not have apart from a refused AUTH (it passed, then every connection failed)', async () => {
    const error = await failureOf(checkRedis('redis://127.0.0.1:6379/9999'));

    expect(error.message).toBe(
      'Redis at redis://127.0.0.1:6379/9999 has no db 9999 (ERR DB index is out of range): use a db below its `databases` setting (16 by default)',
    );
  });

  it('selects a db the server has', async () => {
    expect(compareVersions(await checkRedis('redis://127.0.0.1:6379/1'), '6.2.0')).toBeGreaterThanOrEqual(0);
  });

  it('gives up within the timeout on a server that never answers', async () => {
    const port = await silentServer();
    const started = Date.now();

    const error = await failureOf(checkRedis(`redis://127.0.0.1:${port}`, 300));

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error.message).toContain('no answer within 300 ms');
  });

  it('accepts a Redis at exactly 6.2.0', async () => {
    await expect(checkRedis(`redis://127.0.0.1:${await fakeRedis('6.2.0')}`)).resolves.toBe('6.2.0');
  });

  it('rejects a Redis older than 6.2', async () => {
    const port = await fakeRedis('6.0.16');

    const error = await failureOf(checkRedis(`redis://127.0.0.1:${port}`));

    expect(error.message).toBe(
      `Redis at redis://127.0.0.1:${port} is version 6.0.16; BullMQ needs Redis 6.2.0 or newer: upgrade redis-server`,
    );
  });
});

describe('checkPostgres', () => {
  it('resolves when the server answers and the database exists', async () => {
    await expect(checkPostgres(env().DATABASE_URL)).resolves.toBeUndefined();
  });

  it('fails fast on a dead port, naming PostgreSQL, the URL and how to start it', async () => {
    const url = `postgresql://postgres:secret@127.0.0.1:${await deadPort()}/backlot_development`;
    const started = Date.now();

    const error = await failureOf(checkPostgres(url));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.service).toBe('PostgreSQL');
    expect(error.message).toContain(`PostgreSQL does not answer at ${redactUrl(url)}`);
    expect(error.message).not.toContain('secret');
    expect(error.message).toContain('Debian package postgresql');
  });

  it('tells a server that takes no SSL apart from one that does not answer, and says what to change', async () => {
    const url = `postgresql://postgres@127.0.0.1:${await postgresWithoutSsl()}/backlot_development?sslmode=require`;

    const error = await failureOf(checkPostgres(url));

    expect(error.message).toBe(
      `PostgreSQL at ${url} takes no SSL connections (The server does not support SSL connections): drop sslmode from DATABASE_URL, or turn ssl on in the server's postgresql.conf`,
    );
  });

  it('tells a missing database apart and points at bin/setup', async () => {
    const url = withDatabase(env().DATABASE_URL, 'backlot_no_such_database');

    const error = await failureOf(checkPostgres(url));

    expect(error.message).toBe(
      `PostgreSQL at ${url} has no database "backlot_no_such_database": run bin/setup`,
    );
  });
});

describe('assertServices', () => {
  it('resolves when Redis and the test database answer', async () => {
    await expect(assertServices()).resolves.toBeUndefined();
  });
});

describe('helpers', () => {
  it('compareVersions compares numerically', () => {
    expect(compareVersions('6.10.0', '6.2.0')).toBe(1);
    expect(compareVersions('6.2', '6.2.0')).toBe(0);
    expect(compareVersions('6.0.16', '6.2.0')).toBe(-1);
  });

  it('redactUrl leaves URLs without a password unchanged', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('postgresql://u:p@h:5432/db')).toBe('postgresql://u:***@h:5432/db');
  });
});
