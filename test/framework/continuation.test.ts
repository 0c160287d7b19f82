/**
 * Job#step in one process: what a run does with the continuation it was loaded with, what it
 * stores, and that an aborted run stops at its next advance without saving. Across processes
 * (SIGTERM, kill -9) see test/runtime/steps.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Job, JobOptionsError, type ContinuationState, type JobPayload } from '../../app/framework/index';

class ThreeStepJob extends Job {
  static override jobName = 'Spec.ThreeStepJob';
  ran: string[] = [];
  saved: ContinuationState[] = [];
  abortAt: number | undefined;

  override async saveContinuation(state: ContinuationState): Promise<void> {
    this.saved.push(state);
    await super.saveContinuation(state);
  }

  async perform(): Promise<void> {
    await this.step('a', () => void this.ran.push('a'));
    await this.step<number>('b', async (step) => {
      for (let i = step.cursor ?? 0; i < 3; i += 1) {
        this.ran.push(`b${i}`);
        if (i === this.abortAt) this.abort(new Error('worker shutting down'));
        await step.advance(i + 1);
      }
    });
    await this.step('c', () => void this.ran.push('c'));
  }
}

function loaded(continuation?: ContinuationState): ThreeStepJob {
  const payload: JobPayload = {
    jobClass: 'Spec.ThreeStepJob',
    jobId: 'a'.repeat(24),
    queueName: 'default',
    arguments: [],
    executions: 0,
    exceptionExecutions: {},
    enqueuedAt: new Date().toISOString(),
    ...(continuation ? { continuation } : {}),
  };
  return new ThreeStepJob().loadPayload(payload);
}

describe('Job#step', () => {
  it('runs every step in order the first time and saves each cursor and each finished step', async () => {
    const job = loaded();
    await job.perform();
    expect(job.ran).toEqual(['a', 'b0', 'b1', 'b2', 'c']);
    expect(job.saved).toEqual([
      { completed: ['a'] },
      { completed: ['a'], current: { step: 'b', cursor: 1 } },
      { completed: ['a'], current: { step: 'b', cursor: 2 } },
      { completed: ['a'], current: { step: 'b', cursor: 3 } },
      { completed: ['a', 'b'] },
      { completed: ['a', 'b', 'c'] },
    ]);
    expect(job.serialize().continuation).toEqual({ completed: ['a', 'b', 'c'] });
  });

  it('skips completed steps and resumes the current one at its saved cursor', async () => {
    const job = loaded({ completed: ['a'], current: { step: 'b', cursor: 2 } });
    await job.perform();
    expect(job.ran).toEqual(['b2', 'c']);
  });

  it('an aborted run throws the abort reason at its next advance and saves nothing more', async () => {
    const job = loaded();
    job.abortAt = 1;
    await expect(job.perform()).rejects.toThrow('worker shutting down');
    expect(job.ran).toEqual(['a', 'b0', 'b1']);
    expect(job.saved.at(-1)).toEqual({ completed: ['a'], current: { step: 'b', cursor: 1 } });
    // The next run redoes item 1 (its work ran, its advance was not saved) and nothing before it.
    const rerun = loaded(job.serialize().continuation);
    await rerun.perform();
    expect(rerun.ran).toEqual(['b1', 'b2', 'c']);
  });

  it('refuses an empty step name, naming it', async () => {
    const job = loaded();
    await expect(job.step('', () => undefined)).rejects.toThrow(JobOptionsError);
    await expect(job.step('', () => undefined)).rejects.toThrow(
      'step name must be a non-empty string (got "")',
    );
  });
});
