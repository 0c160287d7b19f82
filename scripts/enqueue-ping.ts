/**
 * An example script for bin/runner: enqueues a PingJob (the worker logs "pong: MESSAGE") and
 * prints its id. Scripts in this folder are type-checked and linted with the rest of the code.
 *
 * Example: bin/runner scripts/enqueue-ping.ts hello
 */
import { PingJob } from '../jobs/ping.job';

export default async function enqueuePing([message = 'ping']: string[]): Promise<void> {
  const job = await PingJob.performLater(message);
  process.stdout.write(`Enqueued PingJob (Job ID: ${job.jobId}) to ${job.queueName}\n`);
}
