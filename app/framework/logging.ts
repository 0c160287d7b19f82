/**
 * The framework's log lines: one INFO line per enqueue, start, finish, retry and discard, one
 * ERROR line per failure, each with jobId, jobClass, queue, attempt and (when finished) durationMs
 * (to the microsecond).
 * Argument values appear only at DEBUG, with configured secret keys replaced by [FILTERED].
 *
 * Example: logEnqueued(job) -> {"msg":"Enqueued ResizeJob (Job ID: 4f..) to default","jobId":...}
 */
import { unknownJobClass } from './registry';
import { backlotSettings } from './settings';
import type { Job } from './job';
import { plainLineWriter, type LineWriter } from './log-line';

const FILTERED = '[FILTERED]';

/** The lowercased keys of each filter list seen (a list is replaced, never changed, by configureBacklot). */
const loweredKeys = new WeakMap<readonly string[], ReadonlySet<string>>();

function lowercased(keys: readonly string[]): ReadonlySet<string> {
  let lowered = loweredKeys.get(keys);
  if (!lowered) loweredKeys.set(keys, (lowered = new Set(keys.map((k) => k.toLowerCase()))));
  return lowered;
}

/** Deep copy of a value with the configured secret keys filtered. */
export function filterSecrets(
  value: unknown,
  keys: readonly string[] = backlotSettings().filterKeys,
): unknown {
  const lowered = lowercased(keys);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      if (v instanceof Date || v instanceof Map || v instanceof Set) return v;
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v))
        out[k] = lowered.has(k.toLowerCase()) ? FILTERED : walk(item);
      return out;
    }
    return typeof v === 'bigint' ? `${v}n` : v;
  };
  return walk(value);
}

function fields(job: Job): Record<string, unknown> {
  return { jobId: job.jobId, jobClass: job.jobClassName, queue: job.queueName, attempt: job.executions };
}

function withArgs(job: Job, line: Record<string, unknown>): Record<string, unknown> {
  const log = backlotSettings().logger;
  if (!log.isLevelEnabled('debug')) return line;
  return { ...line, arguments: filterSecrets(job.arguments) };
}

/** `staged`: written to the outbox in the caller's transaction; the relay enqueues it after commit. */
export function logEnqueued(job: Job, staged = false): void {
  const at = job.scheduledAt ? ` at ${job.scheduledAt.toISOString()}` : '';
  const line = { event: 'enqueue', ...fields(job), scheduledAt: job.scheduledAt?.toISOString() };
  backlotSettings().logger.info(
    withArgs(job, staged ? { ...line, staged: true } : line),
    `Enqueued ${job.jobClassName} (Job ID: ${job.jobId}) to ${job.queueName}${at}${staged ? ' through the outbox (in transaction)' : ''}`,
  );
}

export function logEnqueueHalted(job: Job): void {
  backlotSettings().logger.info(
    { event: 'enqueue_halted', ...fields(job) },
    `Failed enqueuing ${job.jobClassName} to ${job.queueName}: a before_enqueue callback halted`,
  );
}

// The two lines every job writes skip pino's generic path when the logger is plain pino (see
// log-line.ts; at DEBUG they carry the arguments and go through pino): the worker's hot path,
// measured by bench/throughput.bench.ts.
const INFO = 30;

/** Printable ASCII without quote or backslash: JSON as it stands between two quotes. */
function isBareJson(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
  }
  return true;
}

/**
 * The constant stretches of a class's job lines on a queue for one writer (its message key and
 * line end baked in), built once; startHead/finishHead remember the last head(level) seen and
 * startPrefix/finishPrefix that head + the line's first stretch, so a line is a handful of
 * concatenations around the job's values.
 */
interface LineParts {
  writer: LineWriter;
  /** `","jobClass":"X","queue":"Q","attempt":` */
  fieldsTail: string;
  /** ,"msg":"Performing X (Job ID:  /  ) from Q"} */
  startMessage: string;
  startEnd: string;
  /** ,"msg":"Performed X (Job ID:  /  ) from Q in  /  ms"} */
  finishMessage: string;
  finishIn: string;
  finishEnd: string;
  startHead: string;
  startPrefix: string;
  finishHead: string;
  finishPrefix: string;
}

const START = ',"event":"start","jobId":"';
const FINISH = ',"event":"finish","jobId":"';
const DURATION = ',"durationMs":';

const partsByClass = new Map<string, Map<string, LineParts | null>>();

/** The parts for plain ASCII class and queue names; null when JSON must escape one of them. */
function lineParts(writer: LineWriter, jobClass: string, queue: string): LineParts | null {
  let byQueue = partsByClass.get(jobClass);
  if (!byQueue) partsByClass.set(jobClass, (byQueue = new Map()));
  let parts = byQueue.get(queue);
  if (parts === undefined || (parts !== null && parts.writer !== writer)) {
    const { messageKey, end } = writer;
    parts =
      isBareJson(jobClass) && isBareJson(queue)
        ? {
            writer,
            fieldsTail: `","jobClass":"${jobClass}","queue":"${queue}","attempt":`,
            startMessage: `${messageKey}"Performing ${jobClass} (Job ID: `,
            startEnd: `) from ${queue}"${end}`,
            finishMessage: `${messageKey}"Performed ${jobClass} (Job ID: `,
            finishIn: `) from ${queue} in `,
            finishEnd: `ms"${end}`,
            startHead: '',
            startPrefix: '',
            finishHead: '',
            finishPrefix: '',
          }
        : null;
    byQueue.set(queue, parts);
  }
  return parts;
}

function escapedFields(event: string, job: Job): string {
  return `,"event":"${event}","jobId":${JSON.stringify(job.jobId)},"jobClass":${JSON.stringify(job.jobClassName)},"queue":${JSON.stringify(job.queueName)},"attempt":${job.executions}`;
}

const startMessage = (job: Job) =>
  `Performing ${job.jobClassName} (Job ID: ${job.jobId}) from ${job.queueName}`;
/** durationMs as the lines carry it: to the microsecond (1.0836749999998574 -> 1.084), as Sidekiq rounds its elapsed. */
const microseconds = (ms: number) => Math.round(ms * 1000) / 1000;

/** Milliseconds to one decimal for messages ("in 1.1ms"), in integer arithmetic, cheaper than toFixed(1) (docs/performance.md). */
function tenths(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const t = Math.round(ms * 10);
  return `${Math.trunc(t / 10)}.${t % 10}`;
}

const finishMessage = (job: Job, durationMs: number) =>
  `Performed ${job.jobClassName} (Job ID: ${job.jobId}) from ${job.queueName} in ${tenths(durationMs)}ms`;

// Ids, class and queue names are plain ASCII in practice: then the lines are written from parts
// built once per class and queue around the job id (fewer intermediate strings per job: a worker
// collects every one); anything JSON must escape goes through JSON.stringify.
export function logStarted(job: Job): void {
  const log = backlotSettings().logger;
  if (!log.isLevelEnabled('info')) return;
  const writer = log.isLevelEnabled('debug') ? undefined : plainLineWriter(log);
  if (!writer) {
    const { jobId, queueName, jobClassName } = job;
    log.info(
      withArgs(job, {
        event: 'start',
        jobId,
        jobClass: jobClassName,
        queue: queueName,
        attempt: job.executions,
      }),
      startMessage(job),
    );
    return;
  }
  const { jobId } = job;
  const parts = isBareJson(jobId) ? lineParts(writer, job.jobClassName, job.queueName) : null;
  if (!parts) {
    writer.write(INFO, escapedFields('start', job), JSON.stringify(startMessage(job)));
    return;
  }
  const head = writer.head(INFO);
  if (head !== parts.startHead) {
    parts.startHead = head;
    parts.startPrefix = `${head}${START}`;
  }
  writer.writeLine(
    `${parts.startPrefix}${jobId}${parts.fieldsTail}${job.executions}${parts.startMessage}${jobId}${parts.startEnd}`,
  );
}

export function logPerformed(job: Job, durationMs: number): void {
  const log = backlotSettings().logger;
  if (!log.isLevelEnabled('info')) return;
  const writer = Number.isFinite(durationMs) ? plainLineWriter(log) : undefined;
  if (!writer) {
    const { jobId, queueName, jobClassName } = job;
    log.info(
      {
        event: 'finish',
        jobId,
        jobClass: jobClassName,
        queue: queueName,
        attempt: job.executions,
        durationMs: microseconds(durationMs),
      },
      finishMessage(job, durationMs),
    );
    return;
  }
  const { jobId } = job;
  const parts = isBareJson(jobId) ? lineParts(writer, job.jobClassName, job.queueName) : null;
  if (!parts) {
    writer.write(
      INFO,
      `${escapedFields('finish', job)},"durationMs":${microseconds(durationMs)}`,
      JSON.stringify(finishMessage(job, durationMs)),
    );
    return;
  }
  const head = writer.head(INFO);
  if (head !== parts.finishHead) {
    parts.finishHead = head;
    parts.finishPrefix = `${head}${FINISH}`;
  }
  writer.writeLine(
    `${parts.finishPrefix}${jobId}${parts.fieldsTail}${job.executions}${DURATION}${microseconds(durationMs)}${parts.finishMessage}${jobId}${parts.finishIn}${tenths(durationMs)}${parts.finishEnd}`,
  );
}

export function logHalted(job: Job): void {
  backlotSettings().logger.info(
    { event: 'perform_halted', ...fields(job) },
    `Did not perform ${job.jobClassName} (Job ID: ${job.jobId}): a before_perform callback halted`,
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name} (${error.message})` : String(error);
}

export function logRetry(job: Job, error: unknown, delayMs: number, durationMs: number): void {
  backlotSettings().logger.info(
    {
      event: 'retry',
      ...fields(job),
      durationMs: microseconds(durationMs),
      delayMs,
      error: errorName(error),
    },
    `Retrying ${job.jobClassName} (Job ID: ${job.jobId}) after ${job.executions} attempts in ${(delayMs / 1000).toFixed(1)}s, due to a ${errorName(error)}`,
  );
}

export function logDiscarded(job: Job, error: unknown, durationMs: number): void {
  backlotSettings().logger.info(
    { event: 'discard', ...fields(job), durationMs: microseconds(durationMs), error: errorName(error) },
    `Discarded ${job.jobClassName} (Job ID: ${job.jobId}) due to a ${errorName(error)}`,
  );
}

export function logFailed(job: Job, error: unknown, durationMs: number, exhausted: boolean): void {
  const why = exhausted ? `, which reoccurred on ${job.executions} attempts` : '';
  backlotSettings().logger.error(
    { event: 'failure', ...fields(job), durationMs: microseconds(durationMs), err: error },
    `Error performing ${job.jobClassName} (Job ID: ${job.jobId}) from ${job.queueName}: ${errorName(error)}${why}`,
  );
}

export function logUnknownJob(jobClass: string, jobId: string, queue: string): void {
  backlotSettings().logger.error(
    { event: 'failure', jobId, jobClass, queue },
    `Error performing job ${jobId} from ${queue}: ${unknownJobClass(jobClass).message}`,
  );
}

/** A job the worker cannot run at all (malformed data or payload): ERROR at every log level. */
export function logUnrunnableJob(jobId: string, queue: string, jobClass: string, reason: string): void {
  backlotSettings().logger.error(
    { event: 'failure', jobId, jobClass, queue, reason },
    `Error performing job ${jobId} from ${queue}: ${reason}`,
  );
}

/** The worker lost the job's lock while it ran: the run is told to stop and reports nothing. */
export function logLockLost(job: Job, error: Error, durationMs: number): void {
  backlotSettings().logger.warn(
    { event: 'lock_lost', ...fields(job), durationMs: microseconds(durationMs), reason: error.message },
    `Stopped ${job.jobClassName} (Job ID: ${job.jobId}): ${error.message}`,
  );
}

export function logCanceled(job: Job, error: Error, durationMs: number): void {
  backlotSettings().logger.info(
    { event: 'cancel', ...fields(job), durationMs: microseconds(durationMs), reason: error.message },
    `Canceled ${job.jobClassName} (Job ID: ${job.jobId}): ${error.message}`,
  );
}

export function logInterrupted(job: Job, durationMs: number): void {
  backlotSettings().logger.warn(
    { event: 'interrupt', ...fields(job), durationMs: microseconds(durationMs) },
    `Interrupted ${job.jobClassName} (Job ID: ${job.jobId}) at shutdown: back to ${job.queueName}`,
  );
}

export function logDuplicate(job: Job): void {
  backlotSettings().logger.info(
    { event: 'enqueue_skipped', ...fields(job), duplicateOf: job.duplicateOf },
    `Skipped enqueuing ${job.jobClassName}: an equal unique job is queued (Job ID: ${job.duplicateOf})`,
  );
}
