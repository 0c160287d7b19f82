/**
 * What the admin jobs page does with jobs, over the framework's JobInspector: queue stats, recent
 * jobs, one job's status, throughput per queue, and the actions retry, run now (promote a delayed
 * job), cancel and destroy (remove). A job whose stored data is malformed is listed with the reason
 * as its error and can be cancelled or destroyed, not retried.
 *
 * Steps of perform(action, id): look the job up (NotFoundError), check the action fits its state
 * (ConflictError saying why not), act. Destroy refuses a running job (cancel it first, so its
 * worker stops). The framework's NoSuchJobError and JobStateError become the web layer's 404 and
 * 409 here, so controllers stay free of try/catch.
 *
 * Example: await jobAdmin.perform('retry', id, 'admin')
 */
import {
  isBatchId,
  JobStateError,
  NoSuchJobError,
  type BatchStatus,
  type BullmqAdapter,
  type JobInspector,
  type JobState,
  type JobSummary,
} from '../../framework/index';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { queueThroughput, type Throughput } from './queue-metrics';

export const JOB_ACTIONS = ['retry', 'run-now', 'cancel', 'destroy'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

/** Actions that lose work and so ask for confirmation first. */
export const DESTRUCTIVE_ACTIONS: readonly JobAction[] = ['cancel', 'destroy'];

export function isJobAction(value: string): value is JobAction {
  return (JOB_ACTIONS as readonly string[]).includes(value);
}

/** The actions that apply to a job in `state` (a malformed job cannot be retried: it would fail again). */
export function actionsFor(state: JobState, malformed = false): JobAction[] {
  switch (state) {
    case 'failed':
    case 'canceled':
      return malformed ? ['destroy'] : ['retry', 'destroy'];
    case 'delayed':
      return ['run-now', 'cancel', 'destroy'];
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return ['cancel', 'destroy'];
    case 'active':
      return ['cancel'];
    case 'completed':
      return ['destroy'];
    case 'unknown':
      return [];
  }
}

async function translate<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NoSuchJobError) throw new NotFoundError(error.message);
    if (error instanceof JobStateError) throw new ConflictError(error.message);
    throw error;
  }
}

export class JobAdminService {
  constructor(
    private readonly inspector: JobInspector,
    private readonly adapter: BullmqAdapter,
    /** Jobs enqueued in transactions still waiting in the outbox for the relay. */
    private readonly outboxCount: () => Promise<number> = () => Promise.resolve(0),
  ) {}

  /** Jobs waiting in the outbox (committed, not yet relayed to BullMQ). */
  outboxWaiting(): Promise<number> {
    return this.outboxCount();
  }

  get queueNames(): readonly string[] {
    return this.inspector.queueNames;
  }

  stats() {
    return this.inspector.stats();
  }

  async list(options: { queue?: string; state?: string; limit?: number }): Promise<JobSummary[]> {
    try {
      return await this.inspector.list(options);
    } catch (error) {
      if (error instanceof JobStateError) throw new ValidationError({ filter: error.message });
      throw error;
    }
  }

  status(id: string) {
    return translate(this.inspector.status(id));
  }

  /** One batch's progress (Backlot batches): 404 for an unknown or malformed id. */
  async batch(id: string): Promise<BatchStatus> {
    if (!isBatchId(id))
      throw new NotFoundError(`no batch ${JSON.stringify(id)} (batch ids look like batch-<24 hex digits>)`);
    const stored = await this.adapter.batchStore().read(id);
    if (!stored) throw new NotFoundError(`no batch ${id} (it never had jobs, or it expired)`);
    const { settings: _settings, ...status } = stored;
    return status;
  }

  throughput(minutes: number, now = Date.now()): Promise<Throughput[]> {
    return Promise.all(
      this.queueNames.map((name) => queueThroughput(this.adapter.queue(name), minutes, now)),
    );
  }

  /** Performs `action` on job `id`; resolves a sentence for the flash message. */
  async perform(action: JobAction, id: string, actor: string): Promise<string> {
    const summary = await this.summary(id);
    if (!actionsFor(summary.state, summary.malformed !== undefined).includes(action)) {
      const what = summary.malformed ? `${summary.state} and malformed` : summary.state;
      throw new ConflictError(`job ${id} is ${what}: ${action} does not apply`);
    }
    switch (action) {
      case 'retry':
        await translate(this.inspector.retry(id));
        return `Job ${id} (${summary.jobClass}) will be retried`;
      case 'run-now':
        await translate(this.inspector.promote(id));
        return `Job ${id} (${summary.jobClass}) moved to waiting`;
      case 'cancel': {
        const result = await this.inspector.cancel(id, `canceled by ${actor} from the admin jobs page`);
        const said = {
          removed: `Job ${id} (${summary.jobClass}) removed from its queue`,
          signalled: `Job ${id} (${summary.jobClass}) is running: its worker was told to abort it`,
          'already-finished': `Job ${id} already finished`,
          'not-found': `Job ${id} no longer exists`,
        } as const;
        return said[result];
      }
      case 'destroy': {
        const job = await this.inspector.find(id);
        if (!job) throw new NotFoundError(`no such job: ${id}`);
        try {
          await job.remove();
        } catch (error) {
          throw new ConflictError(
            `job ${id} could not be removed (${(error as Error).message}): cancel it first if it is running`,
          );
        }
        return `Job ${id} (${summary.jobClass}) destroyed`;
      }
    }
  }

  async summary(id: string): Promise<JobSummary> {
    const job = await this.inspector.find(id);
    if (!job) throw new NotFoundError(`no such job: ${id}`);
    return this.inspector.summarize(job);
  }
}
