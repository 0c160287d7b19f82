/**
 * One outage tracker per Redis connection: while Redis is away ioredis reconnects by itself and
 * reports every failed attempt (ioredis 'error' and 'reconnecting', BullMQ Worker 'error', our own
 * failed commands); the tracker turns them into two lines per outage, one when the connection is
 * lost (WARN) and one when it is back (INFO, with the outage's length and the failures it held back).
 *
 * Steps:
 *   1. lost(error): the first call of an outage writes the "lost" line; later ones only count;
 *   2. recovered(): the connection is ready again; the "recovered" line is written settleMs later,
 *      unless another failure arrives first (a connection that flaps, or a second client of the
 *      same role, such as BullMQ's blocking connection, still reconnecting): then the outage goes on;
 *   3. watch(redis): feeds a connection's 'error' and 'reconnecting' to lost(), 'ready' to
 *      recovered(); a deliberate quit() emits neither, so closing is no outage.
 * isConnectionError() tells a lost connection from a command's own error (which is logged as such).
 *
 * Example:
 *   const outage = new RedisOutage('heartbeat').watch(redis);
 *   // Redis stops for 12 s:  WARN Redis connection heartbeat lost (connect ECONNREFUSED 127.0.0.1:6379); reconnecting
 *   //                        INFO Redis connection heartbeat recovered after 12.3 s (6 failures held back)
 */
import type { RedisConnection } from './redis-connection';
import type { Logger } from 'pino';
import { backlotSettings } from './settings';

export interface RedisOutageOptions {
  /** @defaultValue the framework logger, read when a line is written */
  logger?: () => Logger;
  /** How long a connection must stay ready before the outage counts as over. @defaultValue 1000 */
  settleMs?: number;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES =
  /Connection is closed|max retries per request|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Socket closed unexpectedly|Connection timeout/i;

/** True when the error says Redis cannot be reached (not that a command failed on a live connection). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECTION_CODES.has(code)) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return CONNECTION_MESSAGES.test(error.message);
}

export class RedisOutage {
  private since: number | undefined;
  private failures = 0;
  private settleTimer: NodeJS.Timeout | undefined;
  private readonly log: () => Logger;
  private readonly settleMs: number;
  private readonly recoveryWaiters = new Set<() => void>();

  constructor(
    /** The connection's role, as the lines name it: worker, heartbeat, cancel subscriber, ... */
    readonly connection: string,
    options: RedisOutageOptions = {},
  ) {
    this.log = options.logger ?? (() => backlotSettings().logger);
    this.settleMs = options.settleMs ?? 1_000;
  }

  /** True from the first failure of an outage until its "recovered" line. */
  get down(): boolean {
    return this.since !== undefined;
  }

  lost(error?: unknown): void {
    if (this.settleTimer) {
      clearTimeout(this.settleTimer);
      this.settleTimer = undefined;
    }
    if (this.since !== undefined) {
      this.failures += 1;
      return;
    }
    this.since = Date.now();
    this.failures = 0;
    const reason = error instanceof Error ? error.message : 'connection closed';
    this.log().warn(
      { connection: this.connection, err: error instanceof Error ? error : undefined },
      `Redis connection ${this.connection} lost (${reason}); reconnecting`,
    );
  }

  recovered(): void {
    const since = this.since;
    if (since === undefined || this.settleTimer) return;
    const back = Date.now();
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      const outageMs = back - since;
      this.log().info(
        { connection: this.connection, outageMs, failures: this.failures },
        `Redis connection ${this.connection} recovered after ${(outageMs / 1000).toFixed(1)} s (${this.failures} failure(s) held back)`,
      );
      this.since = undefined;
      this.failures = 0;
      const waiters = [...this.recoveryWaiters];
      this.recoveryWaiters.clear();
      for (const resolve of waiters) resolve();
    }, this.settleMs);
    this.settleTimer.unref();
  }

  /** Resolves when the current outage is over (at once when there is none) or `signal` aborts. */
  whenUp(signal?: AbortSignal): Promise<void> {
    if (!this.down || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.recoveryWaiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.recoveryWaiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Feeds `redis`'s connection events to this tracker; returns this. */
  watch(redis: RedisConnection): this {
    redis.on('error', (error: Error) => this.lost(error));
    redis.on('reconnecting', () => this.lost());
    redis.on('ready', () => this.recovered());
    return this;
  }

  /** Stops a pending "recovered" line (the connection is being closed). */
  dispose(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
  }
}

/** A tracker named `connection` watching `redis` (see RedisOutage#watch). */
export function watchRedisOutage(
  redis: RedisConnection,
  connection: string,
  options: RedisOutageOptions = {},
): RedisOutage {
  return new RedisOutage(connection, options).watch(redis);
}
