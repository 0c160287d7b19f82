/**
 * bin/cron: runs the clock, which enqueues the jobs of config/schedule.ts on time (the jobs run on
 * the worker pools; the clock runs none itself).
 *
 *   bin/cron                                    the schedule of config/schedule.ts
 *   bin/cron --schedule test/fixtures/cron-schedule.ts   another module's SCHEDULE export
 *
 * Several clocks may run at once for availability: each tick is still enqueued once. A tick due
 * while no clock runs is not made up later. Stops at boot when Redis does not answer or an entry
 * is invalid (e.g. names a job class that is not registered); SIGTERM/SIGINT stop it cleanly once
 * the ticks in flight are recorded (exit 0), or after 10 s regardless (exit 1).
 */
import { Command } from 'commander';
import { createClock } from '../app/framework/index';
import { createBullmqAdapter } from '../config/adapter';
import { bootBacklot } from '../config/backlot';
import { boot } from '../config/boot';
import { env } from '../config/env';
import { createRedis } from '../config/redis';
import { nameProcessRole } from '../config/logger';
import { loadSchedule } from '../config/schedule';
import { assertServices } from '../config/services';

const STOP_TIMEOUT_MS = 10_000;

const program = new Command('bin/cron')
  .description('Run the clock: enqueue scheduled maintenance jobs (config/schedule.ts) on time.')
  .option(
    '--schedule <module>',
    "use this module's SCHEDULE export instead of config/schedule.ts (tests, one-off clocks)",
  );

await boot(async () => {
  nameProcessRole('cron');
  const options = program.parse().opts<{ schedule?: string }>();
  const e = env();
  await assertServices({ redis: true, postgres: false });
  // Always BullMQ: an in-process adapter (async, inline) would run job work inside the clock.
  const adapter = createBullmqAdapter(e);
  const backlot = bootBacklot({ adapter, events: 'publish' });
  const entries = await loadSchedule(options.schedule);
  const redis = createRedis(e);
  // An invalid entry (e.g. an unregistered job class) throws here; boot() prints it and exits 1.
  const clock = createClock({ entries, redis, prefix: e.QUEUE_PREFIX });
  clock.start();

  // Stopping takes milliseconds (no job work here), so a second signal (Ctrl-C under bin/dev reaches
  // the clock both from the terminal and from bin/dev) does not cut it short; a stop that hangs on
  // an unanswering Redis ends after STOP_TIMEOUT_MS with exit 1.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    await clock.stop();
    await redis.quit().catch(() => redis.disconnect());
    await backlot.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
});
