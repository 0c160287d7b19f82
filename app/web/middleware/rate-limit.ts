/**
 * Rate limits for sign-in attempts, counted in Redis so every web process shares them
 * (express-rate-limit + rate-limit-redis over the app's ioredis client).
 *
 * Two limits guard POST /login and POST /api/session, counting failed attempts only (a
 * successful sign-in does not count): per client IP and name, LOGIN_LIMITS.perName attempts per
 * window (guessing one account's password), and per IP alone LOGIN_LIMITS.perIp (trying many
 * names). Past a limit the answer is 429 with Retry-After. IPv6 clients are keyed by their /56.
 * Client IPs behind a proxy need TRUST_PROXY.
 *
 * Example: router.post('/login', ...loginRateLimits({ redis, keyPrefix }), controller.create)
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Logger } from 'pino';
import { html } from '../views/html';
import { wantsJson } from './respond';

export const LOGIN_LIMITS = {
  /** Failed attempts per IP and name within the window. @defaultValue 5 */
  perName: 5,
  /** Failed attempts per IP within the window, whatever the name. @defaultValue 50 */
  perIp: 50,
  /** @defaultValue 15 minutes */
  windowMs: 15 * 60 * 1000,
};

export interface LoginRateLimitOptions {
  redis: Redis;
  /** Prefix of the web app's Redis keys; counters live under `<prefix>rl:login:`. */
  keyPrefix: string;
  logger: Logger;
  limits?: Partial<typeof LOGIN_LIMITS>;
}

function attemptedName(req: Request): string {
  const name = (req.body as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name.trim().toLowerCase().slice(0, 64) : '';
}

function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

const refuse: RequestHandler = (req, res) => {
  const message = 'Too many failed sign-in attempts: wait a few minutes and try again.';
  res.status(429);
  if (wantsJson(req)) res.json({ error: message });
  else
    res
      .type('html')
      .send(
        html`<!doctype html><title>Too many attempts</title><p>${message}</p><p><a href="/login">Back</a></p>`
          .value,
      );
};

export function loginRateLimits(options: LoginRateLimitOptions): RequestHandler[] {
  const limits = { ...LOGIN_LIMITS, ...options.limits };
  const store = (suffix: string) =>
    new RedisStore({
      prefix: `${options.keyPrefix}rl:login:${suffix}:`,
      sendCommand: (command: string, ...args: string[]) =>
        options.redis.call(command, ...args) as Promise<RedisReply>,
    });
  const common = {
    windowMs: limits.windowMs,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    handler: refuse,
    logger: {
      error: (error: unknown, message?: string) =>
        options.logger.error({ err: error }, message ?? 'login rate limit error'),
      warn: (error: unknown, message?: string) =>
        options.logger.warn({ err: error }, message ?? 'login rate limit warning'),
    },
  };
  return [
    rateLimit({ ...common, limit: limits.perIp, store: store('ip'), keyGenerator: (req) => clientKey(req) }),
    rateLimit({
      ...common,
      limit: limits.perName,
      store: store('name'),
      keyGenerator: (req) => `${clientKey(req)}|${attemptedName(req)}`,
    }),
  ];
}
