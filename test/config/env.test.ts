import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../config/env';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '../../config/defaults';

function configErrorOf(source: Record<string, string>): ConfigError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

describe('parseEnv', () => {
  it('fills in the defaults for an empty environment', () => {
    const env = parseEnv({});

    expect(env).toMatchObject({
      NODE_ENV: 'development',
      REDIS_URL: DEFAULT_REDIS_URL,
      DATABASE_URL: DEFAULT_DATABASE_URL,
      QUEUE_PREFIX: '{backlot}',
      PORT: 3000,
    });
    expect(env.LOG_LEVEL).toBeUndefined();
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('accepts a WEB_KEY_PREFIX of key-safe characters and refuses others, naming the variable', () => {
    expect(parseEnv({ WEB_KEY_PREFIX: '{shop}:web:' }).WEB_KEY_PREFIX).toBe('{shop}:web:');
    expect(parseEnv({}).WEB_KEY_PREFIX).toBeUndefined();
    expect(configErrorOf({ WEB_KEY_PREFIX: 'shop web' }).message).toMatch(
      /WEB_KEY_PREFIX="shop web": expected letters, digits/,
    );
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ REDIS_URL: '', DATABASE_URL: '' }).REDIS_URL).toBe(DEFAULT_REDIS_URL);
  });

  it('accepts redis:// and rediss:// URLs and postgres URLs', () => {
    const env = parseEnv({ REDIS_URL: 'rediss://:pw@cache:6380/2', DATABASE_URL: 'postgres://u@db/app' });

    expect(env.REDIS_URL).toBe('rediss://:pw@cache:6380/2');
    expect(env.DATABASE_URL).toBe('postgres://u@db/app');
  });

  it('rejects a malformed REDIS_URL with a one-line message naming the variable and the expectation', () => {
    const error = configErrorOf({ REDIS_URL: 'localhost:6379' });

    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('REDIS_URL');
    expect(error.message).toContain('"localhost:6379"');
    expect(error.message).toContain('redis://');
    expect(error.message).not.toContain('\n');
  });

  it('rejects a REDIS_URL with the wrong scheme', () => {
    expect(configErrorOf({ REDIS_URL: 'http://127.0.0.1:6379' }).message).toMatch(
      /REDIS_URL.*expected a URL starting with redis:\/\//,
    );
  });

  it.each([
    [
      'a port past 65535',
      { REDIS_URL: 'redis://127.0.0.1:99999' },
      'this one does not parse: check the host and the port, 1-65535',
    ],
    [
      'a bad %-escape in the password',
      { REDIS_URL: 'redis://:pa%zz@127.0.0.1:6379' },
      'a % in it starts no valid escape: write % itself as %25',
    ],
    [
      'a bad %-escape in the database',
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/%zz' },
      'a % in it starts no valid escape',
    ],
    [
      'no database',
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/' },
      'it names no database: end it with /DATABASE, e.g. /backlot_development',
    ],
  ])('rejects a URL with %s in one line saying why', (_what, source, reason) => {
    const error = configErrorOf(source);
    expect(error.message).toContain(`expected a URL starting with`);
    expect(error.message).toContain(`(${reason}`);
    expect(error.message).not.toContain('\n');
  });

  it('rejects an unknown LOG_LEVEL, naming the allowed levels', () => {
    const error = configErrorOf({ LOG_LEVEL: 'verbose' });

    expect(error.message).toContain('LOG_LEVEL');
    expect(error.message).toContain('"verbose"');
    expect(error.message).toMatch(/debug/);
  });

  it('never prints a refused secret: a secret variable by its length, a URL with its password as ***', () => {
    const secret = configErrorOf({ SESSION_SECRET: 'hunter2-too-short' }).message;
    expect(secret).toBe(
      'Invalid environment variable SESSION_SECRET (17 characters, not shown): expected at least 32 characters (e.g. `openssl rand -hex 32`)',
    );
    const url = configErrorOf({ REDIS_URL: 'redis://user:hunter2@127.0.0.1:99999' }).message;
    expect(url).toMatch(
      /^Invalid environment variable REDIS_URL="redis:\/\/user:\*\*\*@127\.0\.0\.1:99999": /,
    );
    expect(url).not.toContain('hunter2');
  });

  it('rejects a METRICS_TOKEN shorter than 16 characters, naming the variable', () => {
    const error = configErrorOf({ METRICS_TOKEN: 'short' });

    expect(error.message).toContain('METRICS_TOKEN');
    expect(error.message).toContain('at least 16 characters');
  });
});
