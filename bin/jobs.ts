/**
 * bin/jobs: inspect and steer jobs from the shell. Tables for people, --json for scripts.
 *
 *   bin/jobs stats | list [--queue Q] [--state S] [--limit N] | status ID | retry ID | retry --all-failed Q
 *   bin/jobs cancel ID | run-now ID | enqueue JobClass [JSON args...] [--queue Q] [--wait S] [--priority P] | workers
 *   bin/jobs cron [--schedule MODULE]   the clock: heartbeat; each task's schedule, last run, next run, outcome
 *   bin/jobs mark-deleted --model Post|Upload --updated-before ISO   mark records for the deleter
 *   bin/jobs deletions                  records marked for deletion, per model, and the oldest mark
 *
 * Exit codes: 0 done; 1 the job, class or queue was not found or the action does not apply;
 * 2 usage error; services down or bad configuration: 1 with a one-line message; `cron` exits 1 (after
 * its output, with a warning on stderr) when the clock's heartbeat is missing or older than 2 minutes.
 */
import { Command, CommanderError } from 'commander';
import {
  BacklotError,
  BullmqAdapter,
  CLOCK_STALE_AFTER_MS,
  formatDuration,
  formatTable,
  JobInspector,
  readClockStatus,
  registerJobs,
  resolveSchedule,
  type ClockStatus,
  listWorkers,
  lookupJob,
  registeredJobNames,
  UnknownJobClassError,
  type AnyJobClass,
  type Job,
  type JobOptions,
} from '../app/framework/index';
import { bootBacklot } from '../config/backlot';
import { boot } from '../config/boot';
import { env } from '../config/env';
import { useCliLogger } from '../config/logger';
import { QUEUE_NAMES } from '../config/queues';
import { createRedis } from '../config/redis';
import { loadSchedule } from '../config/schedule';
import { assertServices } from '../config/services';
import { ALL_JOBS } from '../jobs/index';
import { prisma } from '../app/db/client';
import { countMarked } from '../app/db/deletion.repository';
import { DELETABLE_MODELS, deletableModel, InvalidCutoffError, markUpdatedBefore } from '../app/services/deletion/index';

interface Context {
  inspector: JobInspector;
  adapter: BullmqAdapter;
}

let context: Context | undefined;
let shutdown: (() => Promise<void>) | undefined;

async function ctx(): Promise<Context> {
  if (context) return context;
  const e = env();
  useCliLogger();
  await assertServices({ redis: true, postgres: true });
  const adapter = new BullmqAdapter({ connection: createRedis(e.REDIS_URL), ownsConnection: true, prefix: e.QUEUE_PREFIX });
  const backlot = bootBacklot({ adapter, events: 'publish' });
  shutdown = () => backlot.shutdown();
  context = { adapter, inspector: new JobInspector(adapter, QUEUE_NAMES) };
  return context;
}

function print(json: boolean | undefined, data: unknown, human: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(data, null, 2) : human()}\n`);
}

class CliFailure extends BacklotError {
  override name = 'CliFailure';
}

function parseJsonArgument(raw: string, position: number): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new CliFailure(
      `argument ${position} is not valid JSON (${(error as Error).message}); quote strings like '"hello"'`,
    );
  }
}

const program = new Command('bin/jobs')
  .description('Inspect and steer Backlot jobs in Redis.')
  .exitOverride()
  .showHelpAfterError();

program
  .command('stats')
  .description('job counts per queue and state')
  .option('--json', 'machine-readable output')
  .action(async (o: { json?: boolean }) => {
    const stats = await (await ctx()).inspector.stats();
    print(o.json, stats, () =>
      formatTable(stats.map((s) => ({ queue: s.queue, ...s.counts, paused: s.paused ? 'yes' : '' }))),
    );
  });

program
  .command('list')
  .description('recent jobs, newest first')
  .option('--queue <name>', 'only this queue')
  .option('--state <state>', 'waiting, active, delayed, prioritized, waiting-children, completed, failed or canceled')
  .option('--limit <n>', 'how many', (v) => Number(v), 20)
  .option('--json', 'machine-readable output')
  .action(async (o: { queue?: string; state?: string; limit: number; json?: boolean }) => {
    const jobs = await (await ctx()).inspector.list(o);
    print(o.json, jobs, () =>
      formatTable(jobs, ['id', 'jobClass', 'queue', 'state', 'attempts', 'enqueuedAt', 'finishedAt', 'error']),
    );
  });

program
  .command('status <id>')
  .description('one job: class, queue, state, attempts, result or error, times, dependencies')
  .option('--json', 'machine-readable output')
  .action(async (id: string, o: { json?: boolean }) => {
    const s = await (await ctx()).inspector.status(id);
    print(o.json, s, () =>
      [
        ['id', s.id],
        ['class', s.jobClass],
        ['queue', s.queue],
        ['state', s.state],
        ['attempts', `${s.attempts} of ${s.maxAttempts}`],
        ['arguments', JSON.stringify(s.arguments)],
        ['result', s.result === undefined || s.result === null ? '' : JSON.stringify(s.result)],
        ['error', s.error ?? ''],
        ['enqueuedAt', s.enqueuedAt ?? ''],
        ['startedAt', s.startedAt ?? ''],
        ['finishedAt', s.finishedAt ?? ''],
        ['dependencies', s.dependencies.join(', ')],
        ['dependents', s.dependents.join(', ')],
      ]
        .map(([k, v]) => `${(k ?? '').padEnd(13)}${v ?? ''}`)
        .join('\n'),
    );
  });

program
  .command('retry [id]')
  .description('retry a failed job, or every failed job of a queue')
  .option('--all-failed <queue>', 'retry every failed job of this queue')
  .option('--json', 'machine-readable output')
  .action(async (id: string | undefined, o: { allFailed?: string; json?: boolean }) => {
    const { inspector } = await ctx();
    if (o.allFailed) {
      const count = await inspector.retryAllFailed(o.allFailed);
      print(o.json, { retried: count }, () => `Retrying ${count} failed job(s) from ${o.allFailed}`);
      return;
    }
    if (!id) throw new CliFailure('give a job id or --all-failed QUEUE');
    await inspector.retry(id);
    print(o.json, { retried: id }, () => `Retrying job ${id}`);
  });

program
  .command('run-now <id>')
  .description('run a delayed job now')
  .action(async (id: string) => {
    await (await ctx()).inspector.promote(id);
    process.stdout.write(`Job ${id} moved to waiting\n`);
  });

program
  .command('cancel <id>')
  .description('cancel a waiting or delayed job (removed) or a running one (aborted on its worker)')
  .option('--json', 'machine-readable output')
  .action(async (id: string, o: { json?: boolean }) => {
    const result = await (await ctx()).inspector.cancel(id, 'canceled from bin/jobs');
    const messages = {
      removed: `Job ${id} removed from its queue`,
      signalled: `Job ${id} is running: its worker was told to abort it`,
      'already-finished': `Job ${id} already finished`,
      'not-found': `no such job: ${id}`,
    } as const;
    print(o.json, { id, result }, () => messages[result]);
    if (result === 'already-finished' || result === 'not-found') process.exitCode = 1;
  });

program
  .command('enqueue <jobClass> [args...]')
  .description("enqueue a job; each argument is JSON (quote strings: '\"hello\"')")
  .option('--queue <name>', 'queue (default: the class’s)')
  .option('--wait <seconds>', 'run after this many seconds', (v) => Number(v))
  .option('--priority <n>', '1 is the highest', (v) => Number(v))
  .option('--json', 'machine-readable output')
  .action(async (jobClass: string, args: string[], o: { queue?: string; wait?: number; priority?: number; json?: boolean }) => {
    await ctx();
    let cls: AnyJobClass;
    try {
      cls = lookupJob(jobClass);
    } catch (error) {
      if (error instanceof UnknownJobClassError) {
        throw new CliFailure(`unknown job class ${jobClass} (known: ${registeredJobNames().join(', ')})`);
      }
      throw error;
    }
    const values = args.map((raw, i) => parseJsonArgument(raw, i + 1));
    const options: JobOptions = {};
    if (o.queue !== undefined) options.queue = o.queue;
    if (o.wait !== undefined) options.wait = o.wait;
    if (o.priority !== undefined) options.priority = o.priority;
    const configured = (cls as unknown as { set(opts: JobOptions): { performLater(...a: unknown[]): Promise<Job> } }).set(options);
    const job = await configured.performLater(...values);
    print(o.json, { id: job.jobId, jobClass, queue: job.queueName }, () => `Enqueued ${jobClass} (Job ID: ${job.jobId}) to ${job.queueName}`);
  });

program
  .command('workers')
  .description('live worker processes: pid, host, pools, running jobs, last heartbeat')
  .option('--json', 'machine-readable output')
  .action(async (o: { json?: boolean }) => {
    const e = env();
    await assertServices({ redis: true, postgres: false });
    const redis = createRedis(e.REDIS_URL);
    try {
      const workers = await listWorkers(redis, e.QUEUE_PREFIX);
      print(o.json, workers, () =>
        formatTable(
          workers.map((w) => ({ ...w, pools: w.pools.join(' '), running: w.running.join(' ') })),
          ['pid', 'host', 'pools', 'running', 'lastBeat', 'startedAt'],
        ),
      );
    } finally {
      await redis.quit();
    }
  });

function formatCronStatus(status: ClockStatus): string {
  const beat = status.heartbeat
    ? `${status.heartbeat.at} (${formatDuration(Math.round(status.heartbeat.ageMs / 1000))} ago, from ${status.heartbeat.clock})`
    : 'none';
  const clocks = status.clocks.map((c) => c.clock).join(', ') || 'none';
  const rows = status.tasks.map((t) => ({
    ...t,
    lastOutcome:
      t.lastOutcome === undefined
        ? ''
        : `${t.lastOutcome === 'error' ? `error: ${t.error ?? ''}` : t.lastOutcome}${t.duplicates > 0 ? ` (+${t.duplicates} duplicate)` : ''}`,
  }));
  return [
    `heartbeat  ${beat}`,
    `clocks     ${clocks}`,
    '',
    formatTable(rows, ['name', 'job', 'cron', 'timezone', 'lastRun', 'lastOutcome', 'nextRun']),
  ].join('\n');
}

program
  .command('cron')
  .description("the clock (bin/cron): heartbeat, and each task's schedule, last run, next run and last outcome")
  .option('--schedule <module>', "show this module's SCHEDULE instead of config/schedule.ts")
  .option('--json', 'machine-readable output')
  .action(async (o: { schedule?: string; json?: boolean }) => {
    const e = env();
    useCliLogger();
    await assertServices({ redis: true, postgres: false });
    registerJobs(ALL_JOBS);
    const tasks = resolveSchedule(await loadSchedule(o.schedule));
    const redis = createRedis(e.REDIS_URL);
    try {
      const status = await readClockStatus(redis, e.QUEUE_PREFIX, tasks);
      print(o.json, status, () => formatCronStatus(status));
      if (status.stale) {
        const limit = formatDuration(CLOCK_STALE_AFTER_MS / 1000);
        process.stderr.write(
          status.heartbeat
            ? `warning: the clock's heartbeat is stale: last beat ${formatDuration(Math.round(status.heartbeat.ageMs / 1000))} ago (over ${limit}) from ${status.heartbeat.clock}: is bin/cron running?\n`
            : `warning: no clock heartbeat under ${e.QUEUE_PREFIX}: bin/cron has not run against this Redis\n`,
        );
        process.exitCode = 1;
      }
    } finally {
      await redis.quit();
    }
  });

// --- deletions (app/services/deletion/) ---

program
  .command('mark-deleted')
  .description('mark every record of a model whose updated_at is before a timestamp (exact, microseconds) for the deleter')
  .requiredOption('--model <model>', `${DELETABLE_MODELS.join(' or ')}`)
  .requiredOption('--updated-before <iso>', 'ISO 8601 with a zone, up to 6 fractional digits: 2026-01-01T00:00:00.123456Z')
  .option('--json', 'machine-readable output')
  .action(async (o: { model: string; updatedBefore: string; json?: boolean }) => {
    const model = deletableModel(o.model);
    if (!model) throw new CliFailure(`unknown model ${o.model} (known: ${DELETABLE_MODELS.join(', ')})`);
    await ctx();
    let result;
    try {
      result = await markUpdatedBefore(prisma(), { model, before: o.updatedBefore });
    } catch (error) {
      if (error instanceof InvalidCutoffError) throw new CliFailure(`--updated-before: ${error.message}`);
      throw error;
    }
    print(o.json, result, () =>
      `Marked ${result.marked} ${model} record(s) updated before ${result.before} for deletion; the deleter (bin/worker) removes them (progress: bin/jobs deletions)`,
    );
  });

program
  .command('deletions')
  .description('records marked for deletion and waiting for the deleter, per model, with the oldest mark')
  .option('--json', 'machine-readable output')
  .action(async (o: { json?: boolean }) => {
    await ctx();
    const counts = await countMarked(prisma());
    print(o.json, counts, () =>
      formatTable(counts.map((c) => ({ model: c.model, marked: c.marked, oldest: c.oldest?.toISOString() ?? '' }))),
    );
  });

await boot(async () => {
  try {
    await program.parseAsync();
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof BacklotError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await shutdown?.();
  }
});
