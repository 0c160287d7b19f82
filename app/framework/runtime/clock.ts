/**
 * The clock (the process role of bin/cron): enqueues scheduled jobs on time and runs no job work
 * itself; the jobs run on the worker pools like any other.
 *
 * Steps:
 *   1. createClock checks the schedule (schedule.ts: names, cron expressions, time zones,
 *      registered job classes, arguments); an invalid entry throws a ScheduleError and nothing
 *      is scheduled.
 *   2. start() gives each task a node-cron task in its time zone and beats at once, then every
 *      minute (clock-state.ts).
 *   3. On each tick, tick(task, scheduledAt): claim the tick in Redis (one clock of several wins),
 *      enqueue the job with the id `cron.<task>.<time>` (BullMQ stores one job per id), record the
 *      outcome (enqueued, duplicate, halted or the error) and log one line. A failure is logged and
 *      recorded for that task only; other tasks and later ticks go on.
 *   4. stop() stops the node-cron tasks, waits for ticks in flight and removes this clock's key.
 *
 * Missed ticks are not backfilled: a tick falls due only while a clock runs. A tick that node-cron
 * fires more than a minute late (a blocked event loop) is logged as missed and skipped.
 *
 * Example:
 *   const clock = startClock({ entries: SCHEDULE, redis, prefix: '{backlot}' });
 *   await clock.tick(clock.tasks[0], new Date('2025-01-01T10:00:00Z'));  // what a tick does, now
 *   await clock.stop();
 */
import { hostname } from 'node:os';
import { createTask, type ScheduledTask as CronTask } from 'node-cron';
import type { RedisConnection } from '../redis-connection';
import type { Job } from '../job';
import type { JobOptions } from '../job-options';
import { backlotSettings } from '../settings';
import {
  claimTick,
  clockId,
  CLOCK_HEARTBEAT_INTERVAL_MS,
  finishTick,
  removeClock,
  writeClockHeartbeat,
  type TickOutcome,
} from './clock-state';
import { resolveSchedule, tickJobId, type ScheduledTask, type ScheduleEntry } from './schedule';

export interface ClockOptions {
  entries: readonly ScheduleEntry[];
  /** Connection for the clock's own keys (claims, outcomes, heartbeat). */
  redis: RedisConnection;
  /** The queue key prefix; the clock's keys live under `<prefix>:cron:`. */
  prefix: string;
  /** @defaultValue 60000 ms */
  heartbeatIntervalMs?: number;
  /** How late node-cron may fire a tick before it counts as missed. @defaultValue 60000 ms */
  missedTickToleranceMs?: number;
}

export interface TickResult {
  task: string;
  scheduledAt: string;
  jobId: string;
  outcome: Exclude<TickOutcome, 'pending'>;
  error?: string;
}

export interface Clock {
  readonly id: string;
  readonly tasks: readonly ScheduledTask[];
  /** Handles one tick of one task: claim, enqueue, record, log. Never throws. */
  tick(task: ScheduledTask, scheduledAt: Date): Promise<TickResult>;
  start(): void;
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/** Enqueues a task's job now, with its arguments and the given options. */
export async function enqueueTask(task: ScheduledTask, options: JobOptions = {}): Promise<Job> {
  const cls = task.jobClass as unknown as {
    set(o: JobOptions): { performLater(...args: unknown[]): Promise<Job> };
  };
  return cls.set(options).performLater(...task.args);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function createClock(options: ClockOptions): Clock {
  const tasks = resolveSchedule(options.entries);
  const { redis, prefix } = options;
  const intervalMs = options.heartbeatIntervalMs ?? CLOCK_HEARTBEAT_INTERVAL_MS;
  const id = clockId();
  const startedAt = new Date().toISOString();
  const log = () => backlotSettings().logger;
  const inFlight = new Set<Promise<TickResult>>();
  let cronTasks: CronTask[] = [];
  let timer: NodeJS.Timeout | undefined;

  const report = (result: TickResult, level: 'info' | 'error', message: string): TickResult => {
    log()[level]({ event: 'cron_tick', ...result, clock: id }, message);
    return result;
  };

  async function tick(task: ScheduledTask, scheduledAt: Date): Promise<TickResult> {
    const at = scheduledAt.toISOString();
    const jobId = tickJobId(task.name, scheduledAt);
    const base = { task: task.name, scheduledAt: at, jobId };
    const label = `Cron ${task.name} (${at})`;
    let claim: Awaited<ReturnType<typeof claimTick>>;
    try {
      claim = await claimTick(redis, prefix, {
        task: task.name,
        scheduledAt: at,
        outcome: 'pending',
        jobId,
        clock: id,
        at: new Date().toISOString(),
      });
    } catch (error) {
      return report(
        { ...base, outcome: 'error', error: messageOf(error) },
        'error',
        `${label}: could not claim the tick: ${messageOf(error)}`,
      );
    }
    if (claim !== 'claimed') {
      const why =
        claim === 'duplicate' ? 'already enqueued by another clock' : 'a later tick is already recorded';
      return report({ ...base, outcome: 'duplicate' }, 'info', `${label}: ${why}`);
    }
    let result: TickResult;
    try {
      const job = await enqueueTask(task, { jobId });
      if (job.duplicateOf !== undefined) {
        result = report(
          { ...base, outcome: 'duplicate' },
          'info',
          `${label}: an equal unique ${task.jobName} is queued (Job ID: ${job.duplicateOf})`,
        );
      } else if (!job.successfullyEnqueued) {
        result = report(
          { ...base, outcome: 'halted' },
          'info',
          `${label}: a before_enqueue callback of ${task.jobName} halted`,
        );
      } else {
        result = report(
          { ...base, outcome: 'enqueued' },
          'info',
          `${label}: enqueued ${task.jobName} (Job ID: ${jobId})`,
        );
      }
    } catch (error) {
      result = report(
        { ...base, outcome: 'error', error: messageOf(error) },
        'error',
        `${label}: failed to enqueue ${task.jobName}: ${messageOf(error)}`,
      );
    }
    await finishTick(redis, prefix, task.name, at, result.outcome, result.error).catch((error: unknown) =>
      log().warn(
        { event: 'cron_state', task: task.name, err: error },
        `${label}: could not record the outcome: ${messageOf(error)}`,
      ),
    );
    return result;
  }

  async function beat(): Promise<void> {
    const info = {
      clock: id,
      host: hostname(),
      pid: process.pid,
      startedAt,
      lastBeat: new Date().toISOString(),
      tasks: tasks.map((t) => t.name),
    };
    await writeClockHeartbeat(redis, prefix, info, intervalMs);
  }

  const beatSafely = () =>
    beat().catch((error: unknown) =>
      log().warn({ event: 'cron_heartbeat', err: error }, `Clock heartbeat failed: ${messageOf(error)}`),
    );

  function track(task: ScheduledTask, scheduledAt: Date): Promise<TickResult> {
    const running = tick(task, scheduledAt);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
    return running;
  }

  return {
    id,
    tasks,
    tick,
    beat,
    start() {
      if (cronTasks.length > 0) return;
      cronTasks = tasks.map((task) => {
        const cronTask = createTask(task.cron, (context) => track(task, context.date), {
          name: `backlot:${task.name}`,
          timezone: task.timezone,
          missedExecutionTolerance: options.missedTickToleranceMs ?? 60_000,
        });
        cronTask.on('execution:missed', (context) => {
          log().warn(
            { event: 'cron_missed', task: task.name, scheduledAt: context.date.toISOString() },
            `Cron ${task.name}: missed the tick at ${context.date.toISOString()} (event loop blocked)`,
          );
        });
        void cronTask.start();
        return cronTask;
      });
      void beatSafely();
      timer = setInterval(() => void beatSafely(), intervalMs);
      timer.unref();
      const next = cronTasks.map(
        (t, i) => `${tasks[i]?.name} ${t.getPattern()} next ${t.getNextRun()?.toISOString() ?? '-'}`,
      );
      log().info(
        { event: 'cron_start', clock: id, tasks: tasks.map((t) => t.name) },
        `Clock started with ${tasks.length} task(s): ${next.join('; ')}`,
      );
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await Promise.all(cronTasks.map(async (t) => t.destroy()));
      cronTasks = [];
      await Promise.allSettled([...inFlight]);
      await removeClock(redis, prefix, id).catch(() => undefined);
      log().info({ event: 'cron_stop', clock: id }, 'Clock stopped');
    },
  };
}

/** createClock, then start. */
export function startClock(options: ClockOptions): Clock {
  const clock = createClock(options);
  clock.start();
  return clock;
}
