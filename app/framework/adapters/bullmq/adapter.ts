/**
 * BullMQ adapter: every Backlot queue is a BullMQ queue under its key prefix (one for all queues,
 * or one hash tag per queue: key-layout.ts); a job is stored as its JobPayload under the job class
 * name, with Backlot's job id as the BullMQ job id.
 *
 * Steps: enqueue -> Queue.add (delay for enqueueAt); enqueueAll -> one Queue.addBulk per queue,
 * concurrently; attempts = 1 + every retry the class's retryOn handlers allow, with the custom
 * 'backlot' backoff so retry delays come from retryOn (see processor.ts). Under the per-queue
 * layout a flow spanning queues is refused (CrossSlotError) before anything is written.
 *
 * Example: new BullmqAdapter({ connection: new Redis(url), prefix: '{backlot}' })
 */
import { FlowProducer, type FlowJob, type JobsOptions, type Queue } from 'bullmq';
import type { RedisConnection } from '../../redis-connection';
import { BatchStore } from '../../batches/store';
import { settingsOf } from '../../class-settings';
import { maxAttempts } from '../../exceptions';
import { assertOneSlotFlow, queuePrefix, type KeyLayout } from '../../key-layout';
import type { Job } from '../../job';
import type { StagedJob } from '../../outbox/staged-job';
import type { QueueAdapter } from '../adapter';
import { addStaged, stagedFlow, stagedJob } from './staged';
import { reportQueueErrors } from './queue-errors';
import { BacklotQueue } from './stored-job';

export interface JobRetention {
  /** Keep completed jobs this many seconds. @defaultValue 86400 (1 day) */
  completedAge: number;
  /** Keep at most this many completed jobs per queue. @defaultValue 50000 */
  completedCount: number;
  /** Keep failed jobs this many seconds. @defaultValue 2592000 (30 days) */
  failedAge: number;
}

export const DEFAULT_RETENTION: JobRetention = {
  completedAge: 86_400,
  completedCount: 50_000,
  failedAge: 2_592_000,
};

export interface BullmqAdapterOptions {
  /** The ioredis connection for producers. */
  connection: RedisConnection;
  /** Close the connection in close(). @defaultValue false (the caller owns it) */
  ownsConnection?: boolean;
  /** Key prefix; braces make it a Redis Cluster hash tag. @defaultValue '{backlot}' */
  prefix?: string;
  /** Queue keys under the one prefix, or a hash tag per queue (key-layout.ts). @defaultValue 'single' */
  layout?: KeyLayout;
  retention?: Partial<JobRetention>;
}

export const BACKLOT_BACKOFF = 'backlot';

export class BullmqAdapter implements QueueAdapter {
  readonly name = 'bullmq';
  readonly prefix: string;
  readonly layout: KeyLayout;
  readonly connection: RedisConnection;
  private readonly ownsConnection: boolean;
  private readonly retention: JobRetention;
  private readonly queues = new Map<string, Queue>();
  private flows: FlowProducer | undefined;
  private batches: BatchStore | undefined;

  constructor(options: BullmqAdapterOptions) {
    this.connection = options.connection;
    this.ownsConnection = options.ownsConnection ?? false;
    this.prefix = options.prefix ?? '{backlot}';
    this.layout = options.layout ?? 'single';
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
  }

  /** The BullMQ Queue for a name (created once; a BacklotQueue, so malformed job data loads). */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = reportQueueErrors(
        new BacklotQueue(name, { connection: this.connection, prefix: this.queuePrefix(name) }),
        `queue ${name}`,
      );
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The BullMQ key prefix of a queue under this adapter's layout. */
  queuePrefix(name: string): string {
    return queuePrefix(this.prefix, name, this.layout);
  }

  /** Throws CrossSlotError when the layout cannot add this flow in one transaction. */
  checkFlow(job: Job, dependencies: readonly Job[]): void {
    assertOneSlotFlow(
      this.layout,
      [job, ...dependencies].map((each) => each.queueName),
      `${job.jobClassName} with its dependencies`,
    );
  }

  jobOptions(job: Job, delayMs = 0): JobsOptions {
    const attempts = maxAttempts(settingsOf(job.constructor).handlers);
    const options: JobsOptions = {
      jobId: job.jobId,
      attempts,
      removeOnComplete: { age: this.retention.completedAge, count: this.retention.completedCount },
      removeOnFail: { age: this.retention.failedAge },
    };
    if (attempts > 1) options.backoff = { type: BACKLOT_BACKOFF };
    const unique = settingsOf(job.constructor).unique;
    if (unique) {
      const key = `${job.jobClassName}:${unique.key(...job.arguments)}`;
      options.deduplication = unique.ttl ? { id: key, ttl: unique.ttl * 1000 } : { id: key };
    }
    if (job.priority) options.priority = job.priority;
    if (delayMs > 0) options.delay = delayMs;
    return options;
  }

  enqueue(job: Job): Promise<void> {
    return this.add(job, 0);
  }

  enqueueAt(job: Job, timestamp: number): Promise<void> {
    return this.add(job, Math.max(0, timestamp - Date.now()));
  }

  private async add(job: Job, delayMs: number): Promise<void> {
    const added = await this.queue(job.queueName).add(
      job.jobClassName,
      job.serialize(),
      this.jobOptions(job, delayMs),
    );
    job.providerJobId = added.id;
    // BullMQ answers a deduplicated add with the job already holding the key.
    if (added.id !== job.jobId) job.duplicateOf = added.id;
  }

  /** The dependent job as a BullMQ flow parent, its dependencies as children. */
  async enqueueFlow(
    job: Job,
    dependencies: readonly Job[],
    ifDependencyFails: 'fail' | 'run',
  ): Promise<void> {
    this.checkFlow(job, dependencies);
    const flows = this.flowProducer();
    const node = (each: Job): FlowJob => ({
      name: each.jobClassName,
      queueName: each.queueName,
      prefix: this.queuePrefix(each.queueName),
      data: each.serialize(),
      opts: this.jobOptions(each, each.scheduledAt ? each.scheduledAt.getTime() - Date.now() : 0),
    });
    const policy =
      ifDependencyFails === 'fail' ? { failParentOnFailure: true } : { ignoreDependencyOnFailure: true };
    const tree = await flows.add({
      ...node(job),
      children: dependencies.map((dep) => {
        const child = node(dep);
        return { ...child, opts: { ...child.opts, ...policy } };
      }),
    });
    job.providerJobId = tree.job.id;
    tree.children?.forEach((child, i) => {
      const dep = dependencies[i];
      if (dep) dep.providerJobId = child.job.id;
    });
  }

  async enqueueAll(jobs: readonly Job[]): Promise<number> {
    const byQueue = new Map<string, Job[]>();
    for (const job of jobs) {
      const list = byQueue.get(job.queueName) ?? [];
      list.push(job);
      byQueue.set(job.queueName, list);
    }
    const now = Date.now();
    const results = await Promise.all(
      [...byQueue].map(async ([queueName, list]) => {
        const added = await this.queue(queueName).addBulk(
          list.map((job) => ({
            name: job.jobClassName,
            data: job.serialize(),
            opts: this.jobOptions(job, job.scheduledAt ? job.scheduledAt.getTime() - now : 0),
          })),
        );
        added.forEach((bullJob, i) => {
          const job = list[i];
          if (job) job.providerJobId = bullJob.id;
        });
        return added.length;
      }),
    );
    return results.reduce((a, b) => a + b, 0);
  }

  /** Batches' counts, on the producer connection under this prefix (batches/store.ts). */
  batchStore(): BatchStore {
    this.batches ??= new BatchStore(this.connection, this.prefix);
    return this.batches;
  }

  /** Transactional enqueue: the job as the outbox stores it (staged.ts). */
  stagedForm(job: Job): StagedJob {
    return stagedJob(this, job);
  }

  stagedFlowForm(job: Job, dependencies: readonly Job[], ifDependencyFails: 'fail' | 'run'): StagedJob {
    this.checkFlow(job, dependencies);
    return stagedFlow(this, job, dependencies, ifDependencyFails);
  }

  /** Adds relayed outbox rows: one addBulk per queue, flows in one FlowProducer.addBulk. */
  enqueueStaged(jobs: readonly StagedJob[]): Promise<void> {
    return addStaged(this, () => this.flowProducer(), jobs);
  }

  private flowProducer(): FlowProducer {
    this.flows ??= reportQueueErrors(
      new FlowProducer({ connection: this.connection, prefix: this.prefix }),
      'flow producer',
    );
    return this.flows;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    await this.flows?.close();
    this.flows = undefined;
    if (this.ownsConnection) await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
