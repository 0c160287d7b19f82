/**
 * The class-side declarations of a job (Active Job's queue_as, retry_on, discard_on, callbacks;
 * Backlot's uniqueBy, rateLimit, limitsConcurrency): each records a setting on the class that
 * declares it (class-settings.ts), which subclasses inherit. Job extends this class, so they are
 * called as `this.queueAs('images')` inside a job class's static block.
 *
 * Example: class ResizeJob extends ApplicationJob { static { this.retryOn(NetworkError, { attempts: 3 }) } }
 */
import type { AfterCallback, AroundCallback, BeforeCallback } from './callbacks';
import { ownSettings } from './class-settings';
import { concurrencyLimit, type ConcurrencyLimitInput } from './concurrency/limit';
import { JobOptionsError } from './errors';
import { discardHandler, retryHandler, type ErrorClass, type RetryOnOptions } from './exceptions';
import type { AnyJobClass, Job, JobClass, PerformArgs } from './job';
import { validatePriority, validateQueueName } from './job-options';

/** A declared callback must be a function: a worker would otherwise fail the job calling it. */
function checkCallback(callback: unknown, method: string): void {
  if (typeof callback !== 'function')
    throw new JobOptionsError(
      `${method} takes a function, got ${callback === null ? 'null' : typeof callback}`,
    );
}

export abstract class JobDeclarations {
  /** The queue for this class's jobs (a name, or a function of the job). */
  static queueAs(name: string | ((job: any) => string)): void {
    ownSettings(this).queueName = typeof name === 'function' ? name : validateQueueName(name);
  }

  static queueWithPriority(priority: number): void {
    ownSettings(this).priority = validatePriority(priority);
  }

  static retryOn(errors: ErrorClass | ErrorClass[], options?: RetryOnOptions): void {
    ownSettings(this).handlers.push(retryHandler(Array.isArray(errors) ? errors : [errors], options));
  }

  static discardOn(
    errors: ErrorClass | ErrorClass[],
    handle?: (job: any, error: Error) => void | Promise<void>,
  ): void {
    ownSettings(this).handlers.push(discardHandler(Array.isArray(errors) ? errors : [errors], handle));
  }

  /**
   * Makes jobs unique by a key of their arguments: while one with the key is queued or running
   * (or for `ttl` seconds), performLater of an equal one enqueues nothing and sets duplicateOf.
   */
  static uniqueBy<J extends Job>(
    this: JobClass<J>,
    key: (...args: PerformArgs<J>) => string,
    options: { ttl?: number } = {},
  ): void {
    if (typeof key !== 'function')
      throw new JobOptionsError('uniqueBy key must be a function of the arguments');
    if (options.ttl !== undefined && !(options.ttl > 0))
      throw new JobOptionsError(`uniqueBy ttl must be seconds > 0 (got ${options.ttl})`);
    ownSettings(this).unique = { key: key as (...args: any[]) => string, ttl: options.ttl };
  }

  /** At most `to` jobs of this class's queue start per `within` seconds, across every worker. */
  static rateLimit(limit: { to: number; within: number }): void {
    if (!Number.isInteger(limit.to) || limit.to < 1)
      throw new JobOptionsError(`rateLimit to must be a whole number >= 1 (got ${limit.to})`);
    if (!(limit.within > 0))
      throw new JobOptionsError(`rateLimit within must be seconds > 0 (got ${limit.within})`);
    ownSettings(this).rateLimit = { to: limit.to, within: limit.within };
  }

  /**
   * At most `to` jobs with the same key run at once across every worker; the others wait parked
   * (delayed, promoted when a slot frees) or, with onConflict 'discard', are dropped. `duration`
   * (seconds, default 180) bounds a slot whose holder died; it should exceed the job's run time.
   */
  static limitsConcurrency<J extends Job>(
    this: JobClass<J>,
    limit: Omit<ConcurrencyLimitInput, 'key'> & { key: (...args: PerformArgs<J>) => string },
  ): void {
    ownSettings(this).concurrency = concurrencyLimit(limit);
  }

  /** Runs when a job is discarded, or fails for good (unhandled error or exhausted retries). */
  static afterDiscard<J extends Job>(
    this: AnyJobClass,
    callback: (job: J, error: unknown) => void | Promise<void>,
  ): void {
    checkCallback(callback, 'afterDiscard');
    ownSettings(this).afterDiscard.push(callback);
  }

  static beforeEnqueue<J extends Job>(this: AnyJobClass, callback: BeforeCallback<J>): void {
    checkCallback(callback, 'beforeEnqueue');
    ownSettings(this).callbacks.beforeEnqueue.push(callback);
  }

  static aroundEnqueue<J extends Job>(this: AnyJobClass, callback: AroundCallback<J>): void {
    checkCallback(callback, 'aroundEnqueue');
    ownSettings(this).callbacks.aroundEnqueue.push(callback);
  }

  static afterEnqueue<J extends Job>(this: AnyJobClass, callback: AfterCallback<J>): void {
    checkCallback(callback, 'afterEnqueue');
    ownSettings(this).callbacks.afterEnqueue.push(callback);
  }

  static beforePerform<J extends Job>(this: AnyJobClass, callback: BeforeCallback<J>): void {
    checkCallback(callback, 'beforePerform');
    ownSettings(this).callbacks.beforePerform.push(callback);
  }

  static aroundPerform<J extends Job>(this: AnyJobClass, callback: AroundCallback<J>): void {
    checkCallback(callback, 'aroundPerform');
    ownSettings(this).callbacks.aroundPerform.push(callback);
  }

  static afterPerform<J extends Job>(this: AnyJobClass, callback: AfterCallback<J>): void {
    checkCallback(callback, 'afterPerform');
    ownSettings(this).callbacks.afterPerform.push(callback);
  }
}
