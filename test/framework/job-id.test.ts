import { describe, expect, it } from 'vitest';
import { Job } from '../../app/framework/index';
import { newJobId } from '../../app/framework/job-id';

class IdSpecJob extends Job {
  perform(): void {}
}

describe('newJobId', () => {
  it('makes 24 lowercase hex characters, as Sidekiq jids', () => {
    expect(newJobId()).toMatch(/^[0-9a-f]{24}$/);
  });

  it('never repeats across many refills of its entropy pool', () => {
    // 256 ids per refill: 100,000 ids cross the refill boundary ~390 times.
    const ids = new Set(Array.from({ length: 100_000 }, () => newJobId()));
    expect(ids.size).toBe(100_000);
  });

  it("is a job's id unless one is given, and stays the same once read", () => {
    const job = IdSpecJob.build();
    expect(job.jobId).toMatch(/^[0-9a-f]{24}$/);
    expect(job.jobId).toBe(job.jobId);
    expect(IdSpecJob.build().jobId).not.toBe(job.jobId);
    const named = IdSpecJob.build();
    named.jobId = 'cron.prune.2026-11-23T00:00';
    expect(named.jobId).toBe('cron.prune.2026-11-23T00:00');
  });
});
