/**
 * Boot-time checks that Redis and PostgreSQL answer, so that a process stops at once with one line
 * saying which service is missing, where it was looked for and how to start it, instead of hanging
 * in a reconnect loop or failing on first use.
 *
 * Steps: each check opens one connection with a short timeout and no retries, asks one question
 * (Redis, over a plain socket: AUTH when the URL has a password, SELECT when it names a db, then INFO server, whose
 * redis_version must be >= 6.2 for BullMQ; PostgreSQL: SELECT 1), closes the connection and resolves, or throws ServiceUnavailableError
 * whose message names the service, the URL (password redacted) and the fix. A PostgreSQL server
 * that answers but lacks the database gets its own message pointing at bin/setup.
 *
 * Example:
 *   await assertServices();                     // both, URLs from config/env.ts
 *   await assertServices({ postgres: false });  // Redis only
 *   await checkPostgres('postgresql://postgres@127.0.0.1:5432/backlot_test');
 */
import net from 'node:net';
import tls from 'node:tls';
import pg from 'pg';
import { env } from './env';
import { redisDb } from './redis-topology';

export type ServiceName = 'Redis' | 'PostgreSQL';

/** A required service does not answer, is too old, or lacks the database; the message says how to fix it. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';

  constructor(
    readonly service: ServiceName,
    /** The URL that was tried, password redacted. */
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

/** How long one check may take before the service counts as not answering. @defaultValue 1500 ms */
export const SERVICE_CHECK_TIMEOUT_MS = 1_500;

/** Oldest Redis that BullMQ supports. */
export const MIN_REDIS_VERSION = '6.2.0';

const REDIS_START_HINT = 'start it with `redis-server --daemonize yes` (Debian package redis-server)';
const POSTGRES_START_HINT =
  'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (Debian package postgresql)';

/** The URL with its password replaced by ***, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/** Compares dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/**
 * Sends `commands` over one fresh connection and resolves with the raw RESP replies, one per
 * command. A plain socket rather than a Redis client: no reconnects, no handshake commands of its
 * own, and the socket is destroyed as soon as the answer is in (or the time is up).
 */
function redisRoundTrip(url: URL, commands: string[][], timeoutMs: number): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = url.port ? Number(url.port) : 6379;
  const encode = (args: string[]) =>
    `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket =
      url.protocol === 'rediss:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let buffer = '';
    const replies: string[] = [];
    function finish(error?: Error): void {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(replies);
    }
    socket.once(url.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      socket.write(commands.map(encode).join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        const lineEnd = buffer.indexOf('\r\n');
        if (lineEnd < 0) return;
        const line = buffer.slice(0, lineEnd);
        let reply = line;
        let consumed = lineEnd + 2;
        if (line.startsWith('$') && Number(line.slice(1)) >= 0) {
          const length = Number(line.slice(1));
          if (Buffer.byteLength(buffer.slice(consumed)) < length + 2) return; // wait for the rest
          reply = Buffer.from(buffer.slice(consumed)).subarray(0, length).toString('utf8');
          consumed += reply.length + 2;
        }
        buffer = buffer.slice(consumed);
        replies.push(reply);
        if (replies.length === commands.length) return finish();
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('connection closed before the answer')));
  });
}

/** Resolves with the server's redis_version when Redis answers at `url` and is >= 6.2. */
export async function checkRedis(url: string, timeoutMs = SERVICE_CHECK_TIMEOUT_MS): Promise<string> {
  const shown = redactUrl(url);
  const parsed = new URL(url);
  const commands: string[][] = [];
  if (parsed.password) {
    const password = decodeURIComponent(parsed.password);
    commands.push(
      parsed.username ? ['AUTH', decodeURIComponent(parsed.username), password] : ['AUTH', password],
    );
  }
  // The db the URL selects (validated by config/env.ts): one beyond the server's `databases`
  // would otherwise pass this check and fail every connection after it.
  const db = redisDb(url);
  if (db !== undefined && db !== 0) commands.push(['SELECT', String(db)]);
  commands.push(['INFO', 'server']);
  let replies: string[];
  try {
    replies = await redisRoundTrip(parsed, commands, timeoutMs);
  } catch (error) {
    throw new ServiceUnavailableError(
      'Redis',
      shown,
      `Redis does not answer at ${shown} (${describe(error)}): ${REDIS_START_HINT}`,
    );
  }
  const refused = replies.findIndex((reply) => reply.startsWith('-'));
  const refusal = replies[refused];
  if (refusal !== undefined && commands[refused]?.[0] === 'SELECT') {
    throw new ServiceUnavailableError(
      'Redis',
      shown,
      `Redis at ${shown} has no db ${db} (${refusal.slice(1)}): use a db below its \`databases\` setting (16 by default)`,
    );
  }
  if (refusal !== undefined) {
    throw new ServiceUnavailableError(
      'Redis',
      shown,
      `Redis at ${shown} refused the connection (${refusal.slice(1)}): check the password in REDIS_URL`,
    );
  }
  const version = /^redis_version:(\S+)/m.exec(replies.at(-1) ?? '')?.[1];
  if (version === undefined) {
    throw new ServiceUnavailableError(
      'Redis',
      shown,
      `Redis at ${shown} did not report redis_version in INFO server`,
    );
  }
  if (compareVersions(version, MIN_REDIS_VERSION) < 0) {
    throw new ServiceUnavailableError(
      'Redis',
      shown,
      `Redis at ${shown} is version ${version}; BullMQ needs Redis ${MIN_REDIS_VERSION} or newer: upgrade redis-server`,
    );
  }
  return version;
}

/** Resolves when PostgreSQL answers at `url` and the database in the URL exists. */
export async function checkPostgres(url: string, timeoutMs = SERVICE_CHECK_TIMEOUT_MS): Promise<void> {
  const shown = redactUrl(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {}); // a dropped connection after the check is not this check's concern
  try {
    await withTimeout(
      client.connect().then(() => client.query('SELECT 1')),
      timeoutMs,
      () => new Error(`no answer within ${timeoutMs} ms`),
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '3D000') {
      const database = decodeURIComponent(new URL(url).pathname.slice(1));
      throw new ServiceUnavailableError(
        'PostgreSQL',
        shown,
        `PostgreSQL at ${shown} has no database "${database}": run bin/setup`,
      );
    }
    if (typeof code === 'string' && /^28/.test(code)) {
      throw new ServiceUnavailableError(
        'PostgreSQL',
        shown,
        `PostgreSQL at ${shown} refused the login (${(error as Error).message}): check the user and password in DATABASE_URL`,
      );
    }
    if (error instanceof Error && /does not support SSL/.test(error.message)) {
      throw new ServiceUnavailableError(
        'PostgreSQL',
        shown,
        `PostgreSQL at ${shown} takes no SSL connections (${error.message}): drop sslmode from DATABASE_URL, or turn ssl on in the server's postgresql.conf`,
      );
    }
    throw new ServiceUnavailableError(
      'PostgreSQL',
      shown,
      `PostgreSQL does not answer at ${shown} (${describe(error)}): ${POSTGRES_START_HINT}`,
    );
  } finally {
    client.end().catch(() => {});
  }
}

export interface ServiceSelection {
  /** Check REDIS_URL. @defaultValue true */
  redis?: boolean;
  /** Check DATABASE_URL. @defaultValue true */
  postgres?: boolean;
}

/**
 * Checks the selected services (URLs from config/env.ts) in parallel; throws the first failure,
 * Redis before PostgreSQL.
 */
export async function assertServices({
  redis = true,
  postgres = true,
}: ServiceSelection = {}): Promise<void> {
  const { REDIS_URL, DATABASE_URL } = env();
  const results = await Promise.allSettled([
    redis ? checkRedis(REDIS_URL) : Promise.resolve(),
    postgres ? checkPostgres(DATABASE_URL) : Promise.resolve(),
  ]);
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
  }
}
