/**
 * The two lines every job a worker runs writes: start ("Performing X (Job ID: ..) from Q") and
 * finish ("Performed X (Job ID: ..) from Q in 1.2ms"), as pino would write them.
 *
 * Steps: with a plain pino logger (log-line.ts's plainLineWriter) and no DEBUG, each line is a
 * handful of concatenations around the job's id, attempt and duration, from parts built once per
 * class, queue and writer; anything JSON must escape, DEBUG (which adds the arguments) or a logger
 * configured beyond plain goes through logger.info. test/framework/logging.test.ts holds both
 * paths to the same bytes.
 *
 * Example: logStarted(job); ...; logPerformed(job, 1.234)
 */
import type { Job } from './job';
import { plainLineWriter, type LineWriter } from './log-line';
import { microseconds, withArgs } from './logging';
import { backlotSettings } from './settings';

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
