/**
 * Text the outbox cannot store: its rows are PostgreSQL jsonb, which refuses a NUL character
 * (U+0000) and a lone UTF-16 surrogate. Redis stores both, so only a staged enqueue checks, at
 * performLater, naming the argument; otherwise the whole transaction failed at its end with a
 * database error that named nothing.
 *
 * Steps: walk each job's serialized arguments (keys and strings; a serializer's { _bl, v } wrapper
 * is looked through), the path written as arguments.ts writes it; the first bad string throws a
 * SerializationError.
 *
 * Example: checkOutboxText([job])   // "argument 2.name contains a NUL character (U+0000), ..."
 */
import { SerializationError } from '../errors';
import type { Job } from '../job';
import { TYPE_KEY } from '../serializers/serializer';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemOf(text: string): string | undefined {
  if (text.includes('\u0000')) return 'a NUL character (U+0000)';
  return LONE_SURROGATE.test(text) ? 'a lone UTF-16 surrogate' : undefined;
}

function check(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    if (problem)
      throw new SerializationError(
        `${path} contains ${problem}, which the outbox (PostgreSQL jsonb) cannot store: enqueue it outside the transaction, or encode the text`,
      );
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => check(item, `${path}[${i}]`));
    return;
  }
  const record = value as Record<string, unknown>;
  if (typeof record[TYPE_KEY] === 'string') return check(record.v, path);
  for (const [key, item] of Object.entries(record)) {
    check(key, `${path} key ${JSON.stringify(key)}`);
    check(item, `${path}.${key}`);
  }
}

/** Throws for the first job argument the outbox cannot store; with several jobs, names the job. */
export function checkOutboxText(jobs: readonly Job[]): void {
  jobs.forEach((job, index) => {
    const prefix = jobs.length > 1 ? `job ${index + 1} (${job.jobClassName}): ` : '';
    (job.serializedArguments ?? []).forEach((argument, i) => check(argument, `${prefix}argument ${i + 1}`));
  });
}
