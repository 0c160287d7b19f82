/**
 * The web app's settings, resolved from the validated environment for bin/web.
 *
 * Steps: SESSION_SECRET from the environment; under production it is required (ConfigError), in
 * development and test a random secret is kept in tmp/development_secret.txt (created 0600 on
 * first use, like Rails) so sessions survive restarts without a secret in the repository.
 * Cookies are Secure under production; TRUST_PROXY becomes express's "trust proxy" value; the
 * web app's Redis keys go under WEB_KEY_PREFIX, or QUEUE_PREFIX + ":web:" when it is unset, so
 * two deployments with their own QUEUE_PREFIX on one Redis share no sessions or counters.
 *
 * Example: const settings = webSettings(env());
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type Env } from '../../config/env';
import { PROJECT_ROOT } from '../../config/project-root';

export interface WebSettings {
  sessionSecret: string;
  /** Secure flag on cookies (HTTPS only). */
  secureCookies: boolean;
  /** express "trust proxy"; undefined trusts no proxy. */
  trustProxy: boolean | number | string | undefined;
  /** The bearer token /metrics requires; undefined: none. */
  metricsToken: string | undefined;
  /** Prefix of the web app's Redis keys (sessions, rate limits). */
  keyPrefix: string;
}

/** The web app's key prefix: WEB_KEY_PREFIX, else derived from QUEUE_PREFIX ('{backlot}' -> '{backlot}:web:'). */
export function webKeyPrefix(e: { QUEUE_PREFIX?: string; WEB_KEY_PREFIX?: string | undefined }): string {
  return e.WEB_KEY_PREFIX ?? `${e.QUEUE_PREFIX ?? '{backlot}'}:web:`;
}

export const DEVELOPMENT_SECRET_FILE = join(PROJECT_ROOT, 'tmp', 'development_secret.txt');

function developmentSecret(file: string): string {
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function parseTrustProxy(value: string | undefined): WebSettings['trustProxy'] {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export function webSettings(
  e: Pick<Env, 'NODE_ENV' | 'SESSION_SECRET' | 'TRUST_PROXY'> &
    Partial<Pick<Env, 'METRICS_TOKEN' | 'QUEUE_PREFIX' | 'WEB_KEY_PREFIX'>>,
  secretFile = DEVELOPMENT_SECRET_FILE,
): WebSettings {
  let sessionSecret = e.SESSION_SECRET;
  if (!sessionSecret) {
    if (e.NODE_ENV === 'production') {
      throw new ConfigError(
        'SESSION_SECRET is not set: bin/web needs it under NODE_ENV=production (generate one with `openssl rand -hex 32`)',
      );
    }
    sessionSecret = developmentSecret(secretFile);
  }
  return {
    sessionSecret,
    secureCookies: e.NODE_ENV === 'production',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    metricsToken: e.METRICS_TOKEN,
    keyPrefix: webKeyPrefix(e),
  };
}
