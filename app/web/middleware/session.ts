/**
 * Sessions in Redis (express-session + connect-redis over the app's ioredis client).
 *
 * The cookie is httpOnly, SameSite=Lax and, under production, Secure; it holds only the signed
 * session id. A session is stored only once something is written to it (a user id at sign-in, a
 * flash message), so anonymous page views create nothing in Redis (their CSRF token lives in a
 * signed cookie: csrf-cookie.ts). Under production behind a TLS-terminating proxy
 * set TRUST_PROXY, or express-session refuses to send a Secure cookie over what it sees as HTTP.
 *
 * Example: app.use(sessionMiddleware({ redis, keyPrefix: 'backlot:web:', secret, secure: false }))
 */
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { RedisConnection } from '../../framework/index';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'backlot_session';
/** Sessions last this long without a sign-in. @defaultValue 14 days */
export const SESSION_TTL_SECONDS = 14 * 24 * 3600;

export interface FlashMessage {
  kind: 'notice' | 'alert';
  text: string;
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    flash?: FlashMessage[];
  }
}

export interface SessionOptions {
  redis: RedisConnection;
  /** Prefix of every Redis key the web app writes; sessions live under `<prefix>sess:`. */
  keyPrefix: string;
  secret: string;
  secure: boolean;
}

export function sessionMiddleware(options: SessionOptions): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    store: new RedisStore({
      client: options.redis,
      prefix: `${options.keyPrefix}sess:`,
      ttl: SESSION_TTL_SECONDS,
    }),
    secret: options.secret,
    resave: false,
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      maxAge: SESSION_TTL_SECONDS * 1000,
      path: '/',
    },
  });
}
