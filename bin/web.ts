/**
 * bin/web: serves the web app on PORT (default 3000).
 *
 * Steps: validate the environment and the web settings (SESSION_SECRET under production); check
 * that Redis and PostgreSQL answer (one line and exit 1 otherwise); boot the job framework (so
 * requests can enqueue) with the event bus subscribed (every process's job and BUR events reach
 * this one); build the live updates (GET /events, app/web/live) and the app with createApp; wait
 * until the bus reads the stream, then listen. SIGTERM/SIGINT: end the live event streams first
 * (an open stream would keep server.close() waiting), stop accepting connections, let requests in
 * flight finish (idle keep-alive connections are closed at once), and after SHUTDOWN_GRACE_MS
 * close whatever is left; then close Redis, the queues, the bus and PostgreSQL and exit 0. A
 * second signal exits 1 at once.
 *
 * `--require <module>` (repeatable) also registers the Job classes a module exports, as bin/worker's
 * does: the admin's "retry from history" enqueues a class again only if this process knows it.
 *
 * Example: PORT=8080 bin/web
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { prisma } from '../app/db/client';
import { closeDbPool } from '../app/db/pg-pool';
import { BullmqAdapter } from '../app/framework/index';
import { createApp } from '../app/web/create-app';
import { createLiveEvents } from '../app/web/live/index';
import { storedViewerLevels } from '../app/web/live/viewers';
import { webSettings } from '../app/web/settings';
import { bootBacklot } from '../config/backlot';
import { boot } from '../config/boot';
import { loadJobModules } from '../config/job-modules';
import { env } from '../config/env';
import { logger, nameProcessRole } from '../config/logger';
import { QUEUE_NAMES } from '../config/queues';
import { createRedis, topologyOf } from '../config/redis';
import { assertServices } from '../config/services';

/** How long requests in flight get after SIGTERM. @defaultValue 10000 ms */
const SHUTDOWN_GRACE_MS = 10_000;
/** How often idle connections are closed while stopping. @defaultValue 100 ms */
const IDLE_SWEEP_MS = 100;

await boot(async () => {
  nameProcessRole('web');
  const e = env();
  const settings = webSettings(e);
  await assertServices();
  const log = logger();
  const backlot = bootBacklot({ events: 'subscribe' });
  const { values: flags } = parseArgs({ options: { require: { type: 'string', multiple: true } } });
  await loadJobModules(flags.require ?? []);
  if (!backlot.events) throw new Error('bootBacklot did not start the event bus');
  const redis = createRedis(e);
  const queues =
    backlot.adapter instanceof BullmqAdapter
      ? backlot.adapter
      : new BullmqAdapter({
          connection: createRedis(e),
          ownsConnection: true,
          prefix: e.QUEUE_PREFIX,
          layout: topologyOf(e).layout,
        });
  redis.on('error', (error) => log.warn({ err: error }, `redis: ${error.message}`));
  const live = createLiveEvents({
    broker: backlot.events.broker,
    viewers: storedViewerLevels(prisma()),
    logger: log,
  });

  const app = createApp({
    prisma: prisma(),
    redis,
    queues,
    queueNames: QUEUE_NAMES,
    sessionSecret: settings.sessionSecret,
    secureCookies: settings.secureCookies,
    trustProxy: settings.trustProxy,
    ...(settings.metricsToken ? { metricsToken: settings.metricsToken } : {}),
    keyPrefix: settings.keyPrefix,
    logger: log,
    live,
  });
  await backlot.events.ready;
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(e.PORT, () => resolve());
  });
  log.info({ port: e.PORT }, `Web server listening on http://127.0.0.1:${e.PORT}`);

  let signals = 0;
  const stop = async (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    log.info({ signal }, 'Stopping the web server');
    await live.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets become idle as their last response ends (the event streams just ended,
    // requests in flight finish): close each as soon as it is idle, not only those idle now.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearInterval(sweep);
    clearTimeout(timer);
    await redis.quit().catch(() => redis.disconnect());
    if (queues !== backlot.adapter) await queues.close();
    await backlot.shutdown();
    await closeDbPool(); // post searches run on it
    log.info('Web server stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
});
