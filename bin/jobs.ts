/**
 * bin/jobs: inspect and steer jobs from the shell. Tables for people, --json for scripts.
 *
 *   bin/jobs stats | list [--queue Q] [--state S] [--class C] [--limit N] | status ID | retry ID | retry --all-failed Q
 *   bin/jobs pause QUEUE | resume QUEUE  (stats shows paused queues)
 *   bin/jobs cancel ID | run-now ID | workers
 *   bin/jobs enqueue JobClass [--record Model:id]... [JSON args...] [--queue Q] [--wait S] [--priority P]
 *     (a record inside a JSON argument: {"$record":"Post:1"}; the count is checked against perform's)
 *   bin/jobs cron [--schedule MODULE]   the clock: heartbeat; each task's schedule, last run, next run, outcome
 *   bin/jobs mark-deleted --model Post|Upload --updated-before ISO   mark records for the deleter
 *   bin/jobs deletions                  records marked for deletion, per model, and the oldest mark
 *   bin/jobs outbox                     jobs enqueued in transactions waiting for the relay, its leader, last error
 *   bin/jobs history [--class C] [--state S] [--args "post=123"] [--id ID] [--from T] [--to T] ...   job history search
 *
 * Exit codes: 0 done; 1 the job, class or queue was not found or the action does not apply;
 * 2 usage error; services down or bad configuration: 1 with a one-line message; `cron` exits 1 (after
 * its output, with a warning on stderr) when the clock's heartbeat is missing or older than 2 minutes,
 * `outbox` likewise when jobs wait in the outbox and no relay runs.
 */
import { Command, CommanderError } from 'commander';
import { registerCronCommand } from '../app/cli/jobs/cron-command';
import { shutdownCliContext } from '../app/cli/jobs/context';
import { registerDeletionCommands } from '../app/cli/jobs/deletion-commands';
import { registerHistoryCommand } from '../app/cli/jobs/history-command';
import { registerJobCommands } from '../app/cli/jobs/job-commands';
import { registerOutboxCommand } from '../app/cli/jobs/outbox-command';
import { BacklotError } from '../app/framework/index';
import { boot } from '../config/boot';

const program = new Command('bin/jobs')
  .description('Inspect and steer Backlot jobs in Redis.')
  .exitOverride()
  .showHelpAfterError();

registerJobCommands(program);
registerCronCommand(program);
registerDeletionCommands(program);
registerOutboxCommand(program);
registerHistoryCommand(program);

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
    await shutdownCliContext();
  }
});
