/**
 * BullMQ's Job, Queue and Worker as Backlot uses them: a job hash whose `data` is not valid JSON
 * (a buggy producer, a hand edit) loads instead of throwing from Job.fromJSON, so one such job
 * neither hangs a worker (BullMQ would fail to load it, and the stall check hand it back forever)
 * nor breaks every listing of its queue.
 *
 * Steps: StoredJob.fromJSON parses as BullMQ does; on a SyntaxError it loads the job with null
 * data and records why (`malformedData`, "malformed job data: ...") and the raw text; BacklotQueue
 * and BacklotWorker hand BullMQ that class through QueueBase's `Job` getter, BullMQ's own
 * extension point for its Job class (bullmq 6.7: every load goes through this.Job.fromJSON).
 *
 * Example: const job = await new BacklotQueue('default', { connection }).getJob(id);
 *          if (malformedDataOf(job)) ... // 'malformed job data: Unexpected token ...'
 */
import { Job, Queue, Worker, type JobJson } from 'bullmq';

type JobQueue = ConstructorParameters<typeof Job>[0];

export class StoredJob<T = unknown, R = unknown, N extends string = string> extends Job<T, R, N> {
  /** Why the stored data did not parse ("malformed job data: ..."); undefined when it did. */
  malformedData: string | undefined;
  /** The stored data as written, when it did not parse. */
  rawData: string | undefined;

  static override fromJSON<T = unknown, R = unknown, N extends string = string>(
    queue: JobQueue,
    json: JobJson,
    jobId?: string,
  ): Job<T, R, N> {
    try {
      return super.fromJSON<T, R, N>(queue, json, jobId);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      const job = super.fromJSON<T, R, N>(queue, { ...json, data: 'null' }, jobId) as StoredJob<T, R, N>;
      job.malformedData = `malformed job data: ${error.message}`;
      job.rawData = json.data;
      return job;
    }
  }
}

/** The reason a loaded job's data did not parse, if it did not. */
export function malformedDataOf(job: Job): string | undefined {
  return job instanceof StoredJob ? job.malformedData : undefined;
}

/** A Queue whose getJob/getJobs tolerate malformed data (see StoredJob). */
export class BacklotQueue extends Queue {
  protected override get Job(): typeof Job {
    return StoredJob as typeof Job;
  }
}

/** A Worker that loads malformed data as a StoredJob, so the processor can fail it. */
export class BacklotWorker extends Worker {
  protected override get Job(): typeof Job {
    return StoredJob as typeof Job;
  }
}
