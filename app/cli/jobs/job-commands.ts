/**
 * bin/jobs commands over the queues: stats, list, status, retry, run-now, cancel, enqueue, workers.
 *
 * Example: registerJobCommands(program)   // bin/jobs.ts
 */
import type { Command } from 'commander';
import {
  Batch,
  isBatchId,
  type BatchStatus,
  firstLine,
  formatTable,
  listWorkers,
  lookupJob,
  registeredJobNames,
  SHOWN_STATES,
  UnknownJobClassError,
  type AnyJobClass,
  type Job,
  type JobOptions,
} from '../../framework/index';
import { env } from '../../../config/env';
import { createRedis } from '../../../config/redis';
import { assertServices } from '../../../config/services';
import { notEnqueued } from '../not-enqueued';
import { CliFailure, cliContext, parseJsonArgument, parseNumberOption, print } from './context';
import { checkArgumentCount } from './perform-arity';
import { loadRecords, resolveRecords } from './record-arguments';

/** `list` shows an error's first line, cut to this many characters (`status ID` shows it whole). */
export const ERROR_COLUMN_WIDTH = 60;
const STATUS_LABEL_WIDTH = 13;

/** `status batch-…`: a batch's progress and its callbacks, one per line. */
export function formatBatchStatus(b: BatchStatus): string {
  const callbacks = Object.entries(b.callbacks).map(([name, state]) => `${name} ${state}`);
  return [
    ['batch', b.id],
    ['description', b.description ?? ''],
    ['total', String(b.total)],
    ['pending', String(b.pending)],
    ['succeeded', String(b.succeeded)],
    ['failed', String(b.failed)],
    ['discarded', String(b.discarded)],
    ['callbacks', callbacks.join(', ')],
    ['createdAt', b.createdAt],
    ['finishedAt', b.finishedAt ?? ''],
  ]
    .map(([k, v]) => `${(k ?? '').padEnd(STATUS_LABEL_WIDTH)}${v ?? ''}`)
    .join('\n');
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerJobCommands(program: Command): void {
  program
    .command('stats')
    .description('job counts per queue and state')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const stats = await (await cliContext()).inspector.stats();
      print(o.json, stats, () =>
        formatTable(stats.map((s) => ({ queue: s.queue, ...s.counts, paused: s.paused ? 'yes' : '' }))),
      );
    });

  program
    .command('list')
    .description('recent jobs, newest first')
    .option('--queue <name>', 'only this queue')
    .option('--state <state>', `one of ${SHOWN_STATES.join(', ')}`)
    .option('--class <name>', 'only jobs of this class')
    .option('--limit <n>', 'how many', parseNumberOption, 20)
    .option('--json', 'machine-readable output')
    .action(async (o: { queue?: string; state?: string; class?: string; limit: number; json?: boolean }) => {
      const jobs = await (await cliContext()).inspector.list({ ...o, jobClass: o.class });
      print(o.json, jobs, () =>
        formatTable(
          jobs.map((job) => ({ ...job, error: job.error && firstLine(job.error, ERROR_COLUMN_WIDTH) })),
          ['id', 'jobClass', 'queue', 'state', 'attempts', 'enqueuedAt', 'finishedAt', 'error'],
        ),
      );
    });

  program
    .command('status <id>')
    .description(
      'one job: class, queue, state, attempts, result or error, times, dependencies; or one batch (batch-…): its progress and callbacks',
    )
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      if (isBatchId(id)) {
        await cliContext();
        const b = await Batch.status(id);
        print(o.json, b, () => formatBatchStatus(b));
        return;
      }
      const s = await (await cliContext()).inspector.status(id);
      print(o.json, s, () =>
        [
          ['id', s.id],
          ['class', s.jobClass],
          ['queue', s.queue],
          ['state', s.state],
          ['attempts', `${s.attempts} of ${s.maxAttempts}`],
          ['arguments', JSON.stringify(s.arguments)],
          ['result', s.result === undefined || s.result === null ? '' : JSON.stringify(s.result)],
          ['error', (s.error ?? '').replaceAll('\n', `\n${' '.repeat(STATUS_LABEL_WIDTH)}`)],
          ...(s.malformed && s.malformed !== s.error ? [['malformed', s.malformed]] : []),
          ['enqueuedAt', s.enqueuedAt ?? ''],
          ['startedAt', s.startedAt ?? ''],
          ['finishedAt', s.finishedAt ?? ''],
          ['dependencies', s.dependencies.join(', ')],
          ['dependents', s.dependents.join(', ')],
        ]
          .map(([k, v]) => `${(k ?? '').padEnd(STATUS_LABEL_WIDTH)}${v ?? ''}`)
          .join('\n'),
      );
    });

  program
    .command('retry [id]')
    .description('retry a failed job, or every failed job of a queue')
    .option('--all-failed <queue>', 'retry every failed job of this queue')
    .option('--json', 'machine-readable output')
    .action(async (id: string | undefined, o: { allFailed?: string; json?: boolean }) => {
      if (id && o.allFailed)
        throw new CliFailure(
          `give a job id or --all-failed QUEUE, not both (got ${id} and --all-failed ${o.allFailed})`,
        );
      const { inspector } = await cliContext();
      if (o.allFailed) {
        const count = await inspector.retryAllFailed(o.allFailed);
        print(o.json, { retried: count }, () => `Retrying ${count} failed job(s) from ${o.allFailed}`);
        return;
      }
      if (!id) throw new CliFailure('give a job id or --all-failed QUEUE');
      await inspector.retry(id);
      print(o.json, { retried: id }, () => `Retrying job ${id}`);
    });

  for (const [verb, done] of [
    ['pause', 'paused: workers take no new jobs from it (running ones finish)'],
    ['resume', 'resumed'],
  ] as const) {
    program
      .command(`${verb} <queue>`)
      .description(
        verb === 'pause' ? 'pause a queue: workers take no new jobs from it' : 'resume a paused queue',
      )
      .option('--json', 'machine-readable output')
      .action(async (queue: string, o: { json?: boolean }) => {
        const { inspector } = await cliContext();
        await inspector[verb](queue);
        print(o.json, { queue, paused: verb === 'pause' }, () => `Queue ${queue} ${done}`);
      });
  }

  program
    .command('run-now <id>')
    .description('run a delayed job now')
    .action(async (id: string) => {
      await (await cliContext()).inspector.promote(id);
      process.stdout.write(`Job ${id} moved to waiting\n`);
    });

  program
    .command('cancel <id>')
    .description('cancel a waiting or delayed job (removed) or a running one (aborted on its worker)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const result = await (await cliContext()).inspector.cancel(id, 'canceled from bin/jobs');
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
    .description(
      'enqueue a job; each argument is JSON (quote strings: \'"hello"\'), a record is --record Model:id or {"$record":"Model:id"}',
    )
    .option(
      '--record <Model:id>',
      'a record argument, loaded and passed by reference; repeatable, before the JSON arguments',
      collect,
      [] as string[],
    )
    .option('--queue <name>', 'queue (default: the class’s)')
    .option('--wait <seconds>', 'run after this many seconds', parseNumberOption)
    .option('--priority <n>', '1 is the highest', parseNumberOption)
    .option('--json', 'machine-readable output')
    .action(
      async (
        jobClass: string,
        args: string[],
        o: { record: string[]; queue?: string; wait?: number; priority?: number; json?: boolean },
      ) => {
        await cliContext();
        let cls: AnyJobClass;
        try {
          cls = lookupJob(jobClass);
        } catch (error) {
          if (error instanceof UnknownJobClassError) {
            throw new CliFailure(`unknown job class ${jobClass} (known: ${registeredJobNames().join(', ')})`);
          }
          throw error;
        }
        const parsed = args.map((raw, i) => parseJsonArgument(raw, o.record.length + i + 1));
        checkArgumentCount(cls, o.record.length + parsed.length);
        const values = [...(await loadRecords(o.record)), ...((await resolveRecords(parsed)) as unknown[])];
        const options: JobOptions = {};
        if (o.queue !== undefined) options.queue = o.queue;
        if (o.wait !== undefined) options.wait = o.wait;
        if (o.priority !== undefined) options.priority = o.priority;
        const configured = (
          cls as unknown as { set(opts: JobOptions): { performLater(...a: unknown[]): Promise<Job> } }
        ).set(options);
        const job = await configured.performLater(...values);
        const why = notEnqueued(job);
        if (why?.failed) throw new CliFailure(`${jobClass} not enqueued: ${why.reason}`);
        print(
          o.json,
          { id: job.jobId, jobClass, queue: job.queueName, duplicateOf: job.duplicateOf ?? null },
          () =>
            why === undefined
              ? `Enqueued ${jobClass} (Job ID: ${job.jobId}) to ${job.queueName}`
              : `${jobClass} not enqueued: ${why.reason}`,
        );
      },
    );

  program
    .command('workers')
    .description('live worker processes: pid, host, pools, running jobs, last heartbeat')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const e = env();
      await assertServices({ redis: true, postgres: false });
      const redis = createRedis(e);
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
}
