/**
 * Runs a bin/ entry point's main function and turns its failure into an exit status.
 *
 * Steps: await main(); on ConfigError or ServiceUnavailableError (the user's setup is wrong, not
 * the code) print only the message, one line on stderr, and exit 1; on any other error print the
 * stack and exit 1. On success nothing happens: a long-running role (worker, web) keeps the process
 * alive through its own handles, a one-shot script ends when its handles close.
 *
 * Example (bin/worker):
 *   await boot(async () => { await assertServices(); await startWorker(); });
 */
import { BacklotError } from '../app/framework/index';
import { ConfigError } from './env';
import { ServiceUnavailableError } from './services';

/**
 * Errors whose message alone tells the user what to do: configuration, services, and the
 * framework's named errors (a bad --pool, an unknown queue, a duplicate job name at boot).
 */
export function isUserFacingError(error: unknown): error is Error {
  return (
    error instanceof ConfigError || error instanceof ServiceUnavailableError || error instanceof BacklotError
  );
}

export async function boot(main: () => unknown): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (isUserFacingError(error)) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  }
}
