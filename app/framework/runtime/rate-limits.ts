/**
 * Per-queue rate limits from the job classes' rateLimit() declarations. BullMQ's limiter belongs
 * to a queue (shared by every worker, kept in Redis), so the classes of one queue must agree;
 * two different limits on one queue stop the worker at boot.
 *
 * Example: queueRateLimits(registeredJobs()) -> { mail: { max: 10, duration: 60000 } }
 */
import { settingsOf } from '../class-settings';
import { JobOptionsError } from '../errors';
import type { AnyJobClass } from '../job';
import { jobNameOf } from '../registry';

export interface QueueLimiter {
  max: number;
  duration: number;
}

export function queueRateLimits(classes: readonly AnyJobClass[]): Record<string, QueueLimiter> {
  const limits: Record<string, QueueLimiter & { from: string }> = {};
  for (const cls of classes) {
    const settings = settingsOf(cls);
    if (!settings.rateLimit || typeof settings.queueName !== 'string') continue;
    const limiter = {
      max: settings.rateLimit.to,
      duration: Math.round(settings.rateLimit.within * 1000),
      from: jobNameOf(cls),
    };
    const existing = limits[settings.queueName];
    if (existing && (existing.max !== limiter.max || existing.duration !== limiter.duration)) {
      throw new JobOptionsError(
        `queue "${settings.queueName}" has two rate limits: ${existing.from} (${existing.max} per ${existing.duration} ms) and ${limiter.from} (${limiter.max} per ${limiter.duration} ms)`,
      );
    }
    limits[settings.queueName] = limiter;
  }
  return Object.fromEntries(
    Object.entries(limits).map(([queue, { max, duration }]) => [queue, { max, duration }]),
  );
}
