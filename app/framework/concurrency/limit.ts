/**
 * limitsConcurrency() declarations (Solid Queue's limits_concurrency): at most `to` jobs with the
 * same key run at once, across every worker process; `duration` bounds how long a slot stays
 * taken by a holder that died; `onConflict` says whether the others wait ('block') or are dropped
 * ('discard'). The key is computed from the arguments when the job is stored, like uniqueBy.
 *
 * Example: this.limitsConcurrency({ to: 1, key: (post) => `post:${post.id}`, duration: 300 })
 */
import { JobOptionsError } from '../errors';

export interface ConcurrencyLimit {
  /** Jobs with one key that may run at once. @defaultValue 1 */
  to: number;
  key: (...args: any[]) => string;
  /** Seconds a slot stays taken without being released (a holder killed). @defaultValue 180 */
  duration: number;
  /** What a job does when every slot of its key is taken. @defaultValue 'block' */
  onConflict: 'block' | 'discard';
}

export type ConcurrencyLimitInput = Partial<Omit<ConcurrencyLimit, 'key'>> & Pick<ConcurrencyLimit, 'key'>;

export const DEFAULT_CONCURRENCY_DURATION = 180;

/** The declaration with its defaults, or a JobOptionsError naming the bad option. */
export function concurrencyLimit(input: ConcurrencyLimitInput): ConcurrencyLimit {
  const { to = 1, duration = DEFAULT_CONCURRENCY_DURATION, onConflict = 'block', key } = input;
  if (typeof key !== 'function')
    throw new JobOptionsError('limitsConcurrency key must be a function of the arguments');
  if (!Number.isInteger(to) || to < 1)
    throw new JobOptionsError(`limitsConcurrency to must be a whole number >= 1 (got ${to})`);
  if (!(duration > 0))
    throw new JobOptionsError(`limitsConcurrency duration must be seconds > 0 (got ${duration})`);
  if (onConflict !== 'block' && onConflict !== 'discard')
    throw new JobOptionsError(
      `limitsConcurrency onConflict must be 'block' or 'discard' (got ${String(onConflict)})`,
    );
  return { to, key, duration, onConflict };
}

/** The key for a job's arguments, or a JobOptionsError when the key function returns no string. */
export function concurrencyKeyOf(
  limit: ConcurrencyLimit,
  args: readonly unknown[],
  jobClass: string,
): string {
  const key = limit.key(...args) as unknown;
  if (typeof key !== 'string' || key === '')
    throw new JobOptionsError(
      `limitsConcurrency key of ${jobClass} must return a non-empty string (got ${String(key)})`,
    );
  return key;
}
