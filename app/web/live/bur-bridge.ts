/**
 * BUR events from the processing job's events, for live BUR pages.
 *
 * ProcessBulkUpdateRequestJob reports progress through the framework ({ burId, line, lines,
 * lineNumber, rowsDone, rowsTotal } on job.progress) but publishes no bur.* events itself. This
 * forwarder, registered on the web process's broker, takes that job's job.* events (from any
 * process) and publishes on /burs/:id:
 *   job.progress                 -> bur.progress { burId, done: rowsDone, total: rowsTotal ?? 0,
 *                                   message: "line k of n (script line L)" }
 *   job.started / job.retried    -> bur.status processing
 *   job.completed                -> bur.status completed
 *   job.failed / job.canceled    -> bur.status failed
 *   job.deleted                  -> bur.status removed (the job left its queue before running)
 * The derived events are published as origin 'remote', so they reach this process's SSE streams
 * only: every web process derives its own, and none travels to the Redis stream or MQTT twice.
 * The BUR id comes from the progress itself or the job's arguments; events that carry neither
 * (completed, failed) use the id remembered for the job, or read it from the job in Redis.
 * Live pages treat every bur.* event as "read the request again", so the status words here are
 * informational. When the job publishes bur.* events itself, unregister this bridge.
 *
 * Example: broker.register(burBridge({ broker, lookup: (jobId) => burIdOfJob(adapter, jobId) }))
 */
import {
  createEvent,
  jobNameOf,
  type BacklotEvent,
  type EventBroker,
  type EventData,
  type EventType,
  type Forwarder,
} from '../../framework/index';
import { ProcessBulkUpdateRequestJob } from '../../../jobs/process-bulk-update-request.job';

export const BUR_JOB_CLASS = jobNameOf(ProcessBulkUpdateRequestJob);

/** Job ids remembered with their BUR id. @defaultValue 1000 */
const REMEMBERED_JOBS = 1_000;

export interface BurBridgeOptions {
  /** Where the bur.* events go (as origin 'remote'). */
  broker: EventBroker;
  /** The BUR id a job works on, from the job's arguments in Redis; undefined when unknown. */
  lookup(jobId: string): Promise<number | undefined>;
}

type JobEvent = Extract<BacklotEvent, { type: `job.${string}` }>;

function isBurJobEvent(event: BacklotEvent): event is JobEvent {
  return event.type.startsWith('job.') && (event.data as { jobClass?: unknown }).jobClass === BUR_JOB_CLASS;
}

function burIdIn(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

interface ProgressShape {
  burId?: unknown;
  line?: unknown;
  lines?: unknown;
  lineNumber?: unknown;
  rowsDone?: unknown;
  rowsTotal?: unknown;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0);

function statusOf(event: JobEvent): string | undefined {
  switch (event.type) {
    case 'job.started':
    case 'job.retried':
      return 'processing';
    case 'job.completed':
      return 'completed';
    case 'job.failed':
    case 'job.canceled':
      return 'failed';
    case 'job.deleted':
      return 'removed';
    default:
      return undefined;
  }
}

export function burBridge(options: BurBridgeOptions): Forwarder {
  const remembered = new Map<string, number>();
  const remember = (jobId: string, burId: number) => {
    remembered.delete(jobId);
    remembered.set(jobId, burId);
    if (remembered.size > REMEMBERED_JOBS) remembered.delete(remembered.keys().next().value as string);
  };

  const burIdOf = async (event: JobEvent): Promise<number | undefined> => {
    const { jobId } = event.data;
    const fromEvent =
      event.type === 'job.progress' && typeof event.data.progress === 'object'
        ? burIdIn((event.data.progress as ProgressShape).burId)
        : 'arguments' in event.data
          ? burIdIn(event.data.arguments?.[0])
          : undefined;
    const burId = fromEvent ?? remembered.get(jobId) ?? (await options.lookup(jobId).catch(() => undefined));
    if (burId !== undefined) remember(jobId, burId);
    return burId;
  };

  const publish = <T extends EventType>(type: T, data: EventData<T>) => options.broker.publish(createEvent(type, data) as BacklotEvent, 'remote');

  return {
    name: 'bur-bridge',
    scope: 'all',
    accepts: isBurJobEvent,
    async deliver(events) {
      for (const event of events) {
        if (!isBurJobEvent(event)) continue;
        const burId = await burIdOf(event);
        if (burId === undefined) continue;
        if (event.type === 'job.progress') {
          const p = (typeof event.data.progress === 'object' ? event.data.progress : {}) as ProgressShape;
          const message = typeof p.line === 'number' ? `line ${count(p.line)} of ${count(p.lines)} (script line ${count(p.lineNumber)})` : undefined;
          publish('bur.progress', { burId, done: count(p.rowsDone), total: count(p.rowsTotal), ...(message ? { message } : {}) });
          continue;
        }
        const status = statusOf(event);
        if (status) publish('bur.status', { burId, status, jobId: event.data.jobId });
        if (event.type === 'job.completed' || event.type === 'job.failed' || event.type === 'job.deleted') remembered.delete(event.data.jobId);
      }
    },
  };
}
