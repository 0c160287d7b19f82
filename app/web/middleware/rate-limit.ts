/**
 * Rate limits for sign-in and sign-up, counted in Redis so every web process shares them
 * (express-rate-limit + rate-limit-redis over the app's ioredis client).
 *
 * Two limits guard POST /login and POST /api/session, counting failed attempts only (a
 * successful sign-in does not count): per client IP and name, LOGIN_LIMITS.perName attempts per
 * window (guessing one account's password), and per IP alone LOGIN_LIMITS.perIp (trying many
 * names). One limit guards POST /signup and POST /api/users, counting every attempt, as each may
 * cost a 32 MiB scrypt: SIGNUP_LIMITS.perIp per window. Past a limit the answer is 429 with
 * Retry-After. IPv6 clients are keyed by their /56. Client IPs behind a proxy need TRUST_PROXY.
 *
 * Example: router.post('/login', ...loginRateLimits({ redis, keyPrefix }), controller.create)
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { RedisConnection } from '../../framework/index';
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

export const SIGNUP_LIMITS = {
  /** Sign-up attempts per IP within the window, successful or not. @defaultValue 10 */
  perIp: 10,
  /** @defaultValue 1 hour */
  windowMs: 60 * 60 * 1000,
};

export interface LoginRateLimitOptions {
  redis: RedisConnection;
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

function refuse(message: string, back: string): RequestHandler {
  return (req, res) => {
    res.status(429);
    if (wantsJson(req)) res.json({ error: message });
    else
      res
        .type('html')
        .send(
          html`<!doctype html><title>Too many attempts</title><p>${message}</p><p><a href="${back}">Back</a></p>`
            .value,
        );
  };
}

/** Settings shared by the limits: a Redis store under `<prefix>rl:<name>:`, standard headers, logging. */
function common(options: Omit<LoginRateLimitOptions, 'limits'>, name: string) {
  return {
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    logger: {
      error: (error: unknown, message?: string) =>
        options.logger.error({ err: error }, message ?? `${name} rate limit error`),
      warn: (error: unknown, message?: string) =>
        options.logger.warn({ err: error }, message ?? `${name} rate limit warning`),
    },
    store: (suffix: string) =>
      new RedisStore({
        prefix: `${options.keyPrefix}rl:${name}:${suffix}:`,
        sendCommand: (command: string, ...args: string[]) =>
          options.redis.call(command, ...args) as Promise<RedisReply>,
      }),
  };
}

export function loginRateLimits(options: LoginRateLimitOptions): RequestHandler[] {
  const limits = { ...LOGIN_LIMITS, ...options.limits };
  const { store, ...shared } = common(options, 'login');
  const login = {
    ...shared,
    windowMs: limits.windowMs,
    skipSuccessfulRequests: true,
    handler: refuse('Too many failed sign-in attempts: wait a few minutes and try again.', '/login'),
  };
  return [
    rateLimit({ ...login, limit: limits.perIp, store: store('ip'), keyGenerator: (req) => clientKey(req) }),
    rateLimit({
      ...login,
      limit: limits.perName,
      store: store('name'),
      keyGenerator: (req) => `${clientKey(req)}|${attemptedName(req)}`,
    }),
  ];
}

export interface SignupRateLimitOptions extends Omit<LoginRateLimitOptions, 'limits'> {
  limits?: Partial<typeof SIGNUP_LIMITS>;
}

/** The per-IP limit on sign-up attempts; counters live under `<prefix>rl:signup:`. */
export function signupRateLimit(options: SignupRateLimitOptions): RequestHandler {
  const limits = { ...SIGNUP_LIMITS, ...options.limits };
  const { store, ...shared } = common(options, 'signup');
  return rateLimit({
    ...shared,
    windowMs: limits.windowMs,
    limit: limits.perIp,
    store: store('ip'),
    keyGenerator: (req) => clientKey(req),
    handler: refuse('Too many sign-ups from your address: try again later.', '/signup'),
  });
}
