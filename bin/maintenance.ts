/**
 * bin/maintenance: enqueues one maintenance list of config/schedule.ts now, whatever the time,
 * and prints what it enqueued (Danbooru's `DanbooruMaintenance.hourly` from a console).
 *
 *   bin/maintenance hourly|daily|weekly|monthly [--json]
 *
 * The jobs get ordinary random ids, not the clock's `cron.<task>.<time>`, so a manual run never
 * collides with a tick and does not change what `bin/jobs cron` shows.
 * A uniqueBy job already queued is not enqueued again: its line says so and names that job.
 * Exit codes: 0 every task enqueued (or already queued); 1 a task failed to enqueue or a
 * beforeEnqueue callback halted it (the others still were), or
 * Redis does not answer; 2 usage error.
 */
import { Argument, Command, CommanderError } from 'commander';
import { notEnqueued } from '../app/cli/not-enqueued';
import { enqueueTask, resolveSchedule } from '../app/framework/index';
import { createBullmqAdapter } from '../config/adapter';
import { bootBacklot } from '../config/backlot';
import { boot } from '../config/boot';
import { env } from '../config/env';
import { useCliLogger } from '../config/logger';
import { maintenanceEntries, PERIODS, type Period } from '../config/schedule';
import { assertServices } from '../config/services';

interface Enqueued {
  task: string;
  job: string;
  id?: string;
  queue?: string;
  /** Set when an equal uniqueBy job was already queued: nothing was added. */
  duplicateOf?: string;
  /** Why nothing was added (a duplicate), for the line. */
  notEnqueued?: string;
  error?: string;
}

const program = new Command('bin/maintenance')
  .description('Enqueue one maintenance list of config/schedule.ts now.')
  .addArgument(new Argument('<period>', 'which list').choices(PERIODS))
  .option('--json', 'machine-readable output')
  .exitOverride()
  .showHelpAfterError();

async function run(period: Period, json: boolean): Promise<void> {
  const e = env();
  useCliLogger();
  await assertServices({ redis: true, postgres: false });
  const adapter = createBullmqAdapter(e);
  const backlot = bootBacklot({ adapter, events: 'publish' });
  try {
    const tasks = resolveSchedule(maintenanceEntries(period));
    const results: Enqueued[] = [];
    for (const task of tasks) {
      try {
        const job = await enqueueTask(task);
        const why = notEnqueued(job);
        if (why?.failed) {
          results.push({ task: task.name, job: task.jobName, error: why.reason });
          continue;
        }
        results.push({
          task: task.name,
          job: task.jobName,
          id: job.jobId,
          queue: job.queueName,
          ...(why === undefined ? {} : { duplicateOf: job.duplicateOf, notEnqueued: why.reason }),
        });
      } catch (error) {
        results.push({ task: task.name, job: task.jobName, error: (error as Error).message });
      }
    }
    const lines = results.map((r) =>
      r.error !== undefined
        ? `Failed to enqueue ${r.job}: ${r.error}`
        : r.notEnqueued !== undefined
          ? `${r.job} not enqueued: ${r.notEnqueued}`
          : `Enqueued ${r.job} (Job ID: ${r.id}) to ${r.queue}`,
    );
    if (tasks.length === 0) lines.push(`Nothing to enqueue: the ${period} list is empty`);
    process.stdout.write(
      `${json ? JSON.stringify({ period, enqueued: results }, null, 2) : lines.join('\n')}\n`,
    );
    if (results.some((r) => r.error !== undefined)) process.exitCode = 1;
  } finally {
    await backlot.shutdown();
  }
}

await boot(async () => {
  let parsed: { period: Period; json: boolean };
  try {
    program.parse();
    parsed = {
      period: program.processedArgs[0] as Period,
      json: program.opts<{ json?: boolean }>().json === true,
    };
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
  await run(parsed.period, parsed.json);
});
