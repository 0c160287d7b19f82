/**
 * The process environment, read once and validated with zod.
 *
 * Steps: load .env when present (process.loadEnvFile), parse process.env against the schema,
 * freeze the result. A missing or malformed variable raises ConfigError naming the variable and
 * what it expected; bin/ entry points print that one line and exit 1.
 *
 * Example: import { env } from '../config/env'; new Redis(env().REDIS_URL)
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from './defaults';
import { redisTopology, RedisTopologyError } from './redis-topology';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * What is wrong with `value` as a URL of one of `protocols`: undefined when nothing, '' for a
 * scheme that is not one of them, else the reason (it does not parse; a bad %-escape, which would
 * make decoding its user, password or path throw later; no database named, with `needsPath`).
 */
function urlProblem(value: string, protocols: string[], needsPath: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'this one does not parse: check the host and the port, 1-65535';
  }
  if (!protocols.includes(parsed.protocol)) return '';
  try {
    for (const part of [parsed.username, parsed.password, parsed.pathname]) decodeURIComponent(part);
  } catch {
    return 'a % in it starts no valid escape: write % itself as %25';
  }
  if (needsPath && parsed.pathname.replace(/^\//, '') === '')
    return 'it names no database: end it with /DATABASE, e.g. /backlot_development';
  return undefined;
}

const url = (protocols: string[], { needsPath = false } = {}) => {
  const expected = `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return z.string().superRefine((value, context) => {
    const problem = urlProblem(value, protocols, needsPath);
    if (problem !== undefined)
      context.addIssue({ code: 'custom', message: problem ? `${expected} (${problem})` : expected });
  });
};

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const envSchema = z.object({
  /** development | test | production. @defaultValue development */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** @defaultValue redis://127.0.0.1:6379 */
  REDIS_URL: url(['redis:', 'rediss:']).default(DEFAULT_REDIS_URL),
  /**
   * A Sentinel group instead of one Redis: the sentinels' host:port,host:port, with
   * REDIS_SENTINEL_NAME (the monitored master's name) and optional REDIS_SENTINEL_PASSWORD. TLS,
   * username, password and db then come from REDIS_URL (its host is unused). @defaultValue unset
   */
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  /**
   * A Redis Cluster instead of one Redis: seed nodes host:port,host:port. TLS, username and
   * password come from REDIS_URL (its host is unused; db must be 0). @defaultValue unset
   */
  REDIS_CLUSTER_NODES: z.string().optional(),
  /** Password of the Redis nodes (over REDIS_URL's). @defaultValue REDIS_URL's */
  REDIS_PASSWORD: z.string().optional(),
  /**
   * Queue keys: per-queue (a hash tag per queue, {backlot:default}: queues spread over a cluster's
   * shards) or single (every queue under QUEUE_PREFIX: one slot). Changing it strands jobs under
   * the old keys: see README "Running on several machines". @defaultValue per-queue on a cluster, single otherwise
   */
  REDIS_KEY_LAYOUT: z.enum(['single', 'per-queue']).optional(),
  /** @defaultValue postgresql://postgres@127.0.0.1:5432/backlot_development */
  DATABASE_URL: url(['postgres:', 'postgresql:'], { needsPath: true }).default(DEFAULT_DATABASE_URL),
  /** pino level. @defaultValue info (warn under NODE_ENV=test) */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /**
   * How bin/dev shows the roles' log lines: pretty (readable, coloured, local times) or json (the
   * lines as written). @defaultValue pretty on a terminal, json otherwise
   */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /**
   * BullMQ key prefix. Braces make it a Redis Cluster hash tag, so every key of every queue lands
   * on one slot. @defaultValue {backlot}
   */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}:-]+$/, { message: 'letters, digits, _ - : { } only' })
    .default('{backlot}'),
  /**
   * Prefix of the web app's own Redis keys (sessions, rate-limit counters): deployments sharing a
   * Redis need different ones, or each accepts the other's session cookies and shares its login
   * counters. @defaultValue QUEUE_PREFIX + ":web:" ({backlot}:web:)
   */
  WEB_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}:-]+$/, { message: 'letters, digits, _ - : { } only' })
    .optional(),
  /** Overrides the per-environment adapter from config/adapter.ts: bullmq | async | inline | test. */
  JOB_ADAPTER: z.enum(['bullmq', 'async', 'inline', 'test']).optional(),
  /** Argument keys whose values are replaced by [FILTERED] in DEBUG logs. */
  LOG_FILTER_KEYS: csv.default([
    'password',
    'passwd',
    'secret',
    'token',
    'apiKey',
    'api_key',
    'authorization',
  ]),
  /** Web port. @defaultValue 3000 */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /**
   * Signs the web session cookie. Required under NODE_ENV=production; in development and test
   * bin/web keeps a random one in tmp/development_secret.txt (Rails' way).
   */
  SESSION_SECRET: z
    .string()
    .min(32, { message: 'at least 32 characters (e.g. `openssl rand -hex 32`)' })
    .optional(),
  /**
   * Express "trust proxy" for bin/web behind a load balancer: a hop count ("1"), "true", or
   * addresses/subnets ("loopback", "10.0.0.0/8"). Client IPs (login rate limits) come from
   * X-Forwarded-For only when set. @defaultValue unset (trust no proxy)
   */
  TRUST_PROXY: z.string().optional(),
  /**
   * Bearer token GET /metrics requires (Prometheus: authorization.credentials). Unset: /metrics
   * answers anyone who reaches bin/web, so keep it behind the network. @defaultValue unset
   */
  METRICS_TOKEN: z
    .string()
    .min(16, { message: 'at least 16 characters (e.g. `openssl rand -hex 32`)' })
    .optional(),
  /** The seeded admin's password (bin/setup); unset: a random one is printed once. */
  ADMIN_PASSWORD: z.string().min(8, { message: 'at least 8 characters' }).optional(),
  /**
   * Overrides of config/queues.ts WORKER_TIMINGS for bin/worker (tests and experiments only; unset
   * in production): lock duration, stalled-check interval, SIGTERM grace period, in ms.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(100).optional(),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).optional(),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).optional(),
  /**
   * The outbox relay's periodic sweep, and a standby relay's next try to lead, in ms
   * (config/outbox.ts). Rows normally go at their commit's NOTIFY. @defaultValue 5000
   */
  OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
  /**
   * Job history (app/services/job-history/): `off` stops bin/worker recording finished executions in
   * job_executions; what is stored stays searchable. @defaultValue on
   */
  JOB_HISTORY: z.enum(['on', 'off']).default('on'),
  /**
   * The Node flags bin/worker starts each pool child with, space-separated, in place of the
   * framework's POOL_NODE_FLAGS (app/framework/runtime/pool-node-flags.ts); empty: none.
   * @defaultValue unset (POOL_NODE_FLAGS)
   */
  POOL_NODE_FLAGS: z.string().optional(),
  /**
   * Fault tests only: a file path; the first relay to add a batch creates it and kills its own
   * process (kill -9) before deleting the batch's rows. @defaultValue unset
   */
  OUTBOX_TEST_KILL_AFTER_ADD: z.string().min(1).optional(),
  /**
   * Root of the files the app keeps on disk (app/services/deletion/storage.ts): uploads/ (upload
   * source files; Upload.sourceFile is a path relative to it or an absolute path inside it),
   * originals/posts/<id>/ (a post's image), thumbnails/<posts|uploads>/<id>/ and logs/<posts|uploads>/<id>/
   * (files derived from a record).
   * The deleter removes nothing outside it. Relative: to the working directory. @defaultValue storage
   */
  STORAGE_ROOT: z.string().min(1).default('storage'),
  /** MQTT broker the event bus publishes to (mqtt://, mqtts://, ws://, wss://). @defaultValue unset (no MQTT) */
  MQTT_URL: url(['mqtt:', 'mqtts:', 'ws:', 'wss:']).optional(),
  /**
   * Prepended to every event topic on MQTT: backlot + /jobs/12 -> backlot/jobs/12. Slash-separated
   * segments, no leading or trailing slash, no MQTT wildcards. @defaultValue backlot
   */
  MQTT_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}:-]+(?:\/[A-Za-z0-9_.{}:-]+)*$/, {
      message: 'segments of letters, digits, _ . - : { } joined by /',
    })
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Parses a source (process.env by default); throws ConfigError with one line per bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (result.success) {
    try {
      redisTopology(result.data);
    } catch (error) {
      if (error instanceof RedisTopologyError)
        throw new ConfigError(`Invalid Redis settings: ${error.message}`);
      throw error;
    }
    return Object.freeze(result.data);
  }
  const first = result.error.issues[0];
  const variable = first?.path.join('.') ?? '?';
  const given = cleaned[variable];
  const expected = first?.message ?? 'a valid value';
  throw new ConfigError(
    `Invalid environment variable ${variable}${given === undefined ? '' : shownValue(variable, given)}: expected ${expected}`,
  );
}

/** Variables whose value is a secret: an error gives its length, not the value. */
const SECRET_VARIABLE = /SECRET|PASSWORD|TOKEN/;

/** How an error shows a refused value: a secret by its length, a URL's password as ***. */
function shownValue(variable: string, given: string): string {
  if (SECRET_VARIABLE.test(variable)) return ` (${given.length} characters, not shown)`;
  return `=${JSON.stringify(given.replace(/(\/\/[^/@:]*:)[^/@]*@/, '$1***@'))}`;
}

let cached: Env | undefined;

/** The validated environment, read once per process. */
export function env(): Env {
  if (!cached) {
    if (existsSync('.env')) process.loadEnvFile('.env');
    cached = parseEnv(process.env);
  }
  return cached;
}
