/**
 * Builds the web app (express 5) from its dependencies and returns it; it never listens
 * (bin/web does, and tests hand it to supertest).
 *
 * Steps, in middleware order:
 *   1. security headers, request log, /assets/app.css;
 *   2. /healthz, /readyz, /metrics (before sessions: probes create none);
 *   3. body parsers (urlencoded forms, JSON; 100 kB), text PostgreSQL cannot store refused (400:
 *      NUL bytes, lone surrogates), Redis sessions, the signed-in user, the multipart upload of
 *      POST /uploads and /api/uploads (signed in only; middleware/upload-intake.ts);
 *   4. CSRF protection for every request other than GET/HEAD/OPTIONS (anonymous visitors' tokens in
 *      a signed cookie, so they store no session);
 *   5. GET /events (Server-Sent Events, when `live` is given), Bull Board (/admin/jobs/board),
 *      accounts, posts, favorites, uploads, posts' files (/data), tags, aliases and implications, bulk update requests, users,
 *      admin jobs;
 *   6. 404, then the error handler (HTML or JSON by route).
 *
 * Example:
 *   const live = createLiveEvents({ broker: bus.broker });
 *   const app = createApp({ prisma: prisma(), redis, queues: adapter, queueNames: QUEUE_NAMES, sessionSecret, live });
 *   http.createServer(app).listen(3000);
 */
import express, { type Express } from 'express';
import type { RedisConnection } from '../framework/index';
import { pino, type Logger } from 'pino';
import type { AppPrismaClient } from '../db/client';
import type { SqlReader } from '../db/deletion.repository';
import { outboxQueryable } from '../db/job-outbox.repository';
import { dbPool } from '../db/pg-pool';
import { countOutbox, JobInspector, type BullmqAdapter } from '../framework/index';
import { BULL_BOARD_PATH, bullBoard } from './admin/bull-board';
import { JobAdminService } from './admin/job-admin.service';
import { csrfProtection } from './middleware/csrf';
import { currentUser } from './middleware/current-user';
import { errorHandler, notFound } from './middleware/errors';
import { LOGIN_LIMITS, loginRateLimits, SIGNUP_LIMITS, signupRateLimit } from './middleware/rate-limit';
import { requestLog } from './middleware/request-log';
import { securityHeaders } from './middleware/security-headers';
import { FAVICON_PATH, FAVICON_SVG } from './views/favicon';
import { sessionMiddleware } from './middleware/session';
import { textGuard } from './middleware/text-guard';
import { uploadIntake } from './middleware/upload-intake';
import { requireSignIn } from './middleware/require-level';
import { adminRoutes } from './routes/admin.routes';
import { JobHistoryService } from './services/job-history.service';
import { healthRoutes } from './routes/health.routes';
import { postsRoutes } from './routes/posts.routes';
import { sessionsRoutes } from './routes/sessions.routes';
import { usersRoutes } from './routes/users.routes';
import { mediaRoutes } from './routes/media.routes';
import { UPLOAD_PATHS, uploadsRoutes } from './routes/uploads.routes';
import { UploadsService } from './services/uploads.service';
import { env } from '../../config/env';
import { AccountsService } from './services/accounts.service';
import { PostsService } from './services/posts.service';
import { UsersService } from './services/users.service';
import type { LiveEvents } from './live/index';
import { BursService } from './services/burs.service';
import { FavoritesService } from './services/favorites.service';
import { TagRelationshipsService } from './services/tag-relationships.service';
import { TagsService } from './services/tags.service';
import { bursRoutes } from './routes/burs.routes';
import { favoritesRoutes } from './routes/favorites.routes';
import { tagsRoutes } from './routes/tags.routes';
import { LIVE_LOCAL } from './views/render';
import { LIVE_SCRIPT } from './views/live-script';
import { STYLESHEET } from './views/stylesheet';

export interface CreateAppOptions {
  prisma: AppPrismaClient;
  /** Sessions, login rate limits and the readiness check. */
  redis: RedisConnection;
  /** The BullMQ queues the admin pages, Bull Board and /metrics read. */
  queues: BullmqAdapter;
  queueNames: readonly string[];
  sessionSecret: string;
  /** Secure cookies (HTTPS only). @defaultValue false */
  secureCookies?: boolean;
  /** express "trust proxy". @defaultValue undefined (none) */
  trustProxy?: boolean | number | string;
  /**
   * Prefix of the Redis keys the web app writes (sessions, rate limits); bin/web passes
   * WEB_KEY_PREFIX (app/web/settings.ts). @defaultValue '{backlot}:web:'
   */
  keyPrefix?: string;
  logger?: Logger;
  loginLimits?: Partial<typeof LOGIN_LIMITS>;
  signupLimits?: Partial<typeof SIGNUP_LIMITS>;
  readinessTimeoutMs?: number;
  /** GET /metrics requires `Authorization: Bearer <token>`. @defaultValue undefined (open) */
  metricsToken?: string;
  /**
   * Live updates (app/web/live): mounted at GET /events, and pages that follow topics load
   * /assets/live.js. Without it there is no /events and pages are static.
   */
  live?: LiveEvents;
  /** Where uploads are stored and posts' files are served from. @defaultValue env().STORAGE_ROOT */
  storageRoot?: string;
  /** Plain node-postgres for post searches. @defaultValue dbPool() (app/db/pg-pool.ts) */
  sqlReader?: SqlReader;
}

/** @defaultValue prefix of the web app's own Redis keys */
export const DEFAULT_WEB_KEY_PREFIX = '{backlot}:web:';

export function createApp(options: CreateAppOptions): Express {
  const logger = options.logger ?? pino({ level: 'silent' });
  const keyPrefix = options.keyPrefix ?? DEFAULT_WEB_KEY_PREFIX;
  const secure = options.secureCookies ?? false;
  const storageRoot = options.storageRoot ?? env().STORAGE_ROOT;
  const queues = options.queueNames.map((name) => {
    const queue = options.queues.queue(name);
    if (queue.listenerCount('error') === 0)
      queue.on('error', (error) =>
        logger.warn({ err: error, queue: name }, `queue ${name}: ${error.message}`),
      );
    return queue;
  });
  const inspector = new JobInspector(options.queues, options.queueNames);
  const jobAdmin = new JobAdminService(inspector, options.queues, () =>
    countOutbox(outboxQueryable(options.prisma), options.queues.prefix),
  );

  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  app.use(securityHeaders);
  app.use(requestLog(logger));
  app.get('/assets/app.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=3600').send(STYLESHEET);
  });
  app.get('/assets/live.js', (_req, res) => {
    res.type('js').set('Cache-Control', 'public, max-age=3600').send(LIVE_SCRIPT);
  });
  app.get(FAVICON_PATH, (_req, res) => {
    res.type('svg').set('Cache-Control', 'public, max-age=86400').send(FAVICON_SVG);
  });
  app.get('/favicon.ico', (_req, res) => res.redirect(301, FAVICON_PATH));
  app.use(healthRoutes(options));

  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(express.json({ limit: '100kb' }));
  app.use(textGuard);
  app.use(sessionMiddleware({ redis: options.redis, keyPrefix, secret: options.sessionSecret, secure }));
  app.use(currentUser(options.prisma));
  // multer fills req.body only now: the text guard checks the form's fields after it.
  app.post(UPLOAD_PATHS, requireSignIn(), uploadIntake({ storageRoot }), textGuard);
  app.use(csrfProtection({ secret: options.sessionSecret, secure }));
  if (options.live) {
    app.locals[LIVE_LOCAL] = true;
    app.get('/events', options.live.handler);
  }

  app.use(BULL_BOARD_PATH, bullBoard({ queues, basePath: BULL_BOARD_PATH, secureCookies: secure }));
  app.get('/', (_req, res) => res.redirect(303, '/posts'));
  app.use(
    sessionsRoutes(
      new AccountsService(options.prisma),
      loginRateLimits({ redis: options.redis, keyPrefix, logger, limits: options.loginLimits }),
      signupRateLimit({ redis: options.redis, keyPrefix, logger, limits: options.signupLimits }),
    ),
  );
  const favorites = new FavoritesService(options.prisma);
  app.use(postsRoutes(new PostsService(options.prisma, options.sqlReader ?? dbPool()), favorites));
  app.use(favoritesRoutes(favorites));
  app.use(uploadsRoutes(new UploadsService(options.prisma, storageRoot)));
  app.use(mediaRoutes(storageRoot));
  app.use(tagsRoutes(new TagsService(options.prisma), new TagRelationshipsService(options.prisma)));
  app.use(bursRoutes(new BursService(options.prisma)));
  app.use(usersRoutes(new UsersService(options.prisma)));
  app.use(adminRoutes(jobAdmin, new JobHistoryService(options.sqlReader ?? dbPool(), inspector)));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
