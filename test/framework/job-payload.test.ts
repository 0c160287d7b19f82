/**
 * payloadProblem: what a worker checks before trusting a stored payload. A payload Backlot wrote
 * passes; anything else gets a few words naming the field and what it holds.
 */
import { describe, expect, it } from 'vitest';
import { Job } from '../../app/framework/index';
import { payloadProblem } from '../../app/framework/job-payload';

class PingJob extends Job {
  perform(name: string) {
    return `Hi, ${name}`;
  }
}

const good = () => ({ ...PingJob.build('bob').serialize() }) as Record<string, unknown>;

describe('payloadProblem', () => {
  it('accepts a payload as Job#serialize writes it, scheduled or not', () => {
    expect(payloadProblem(good())).toBeUndefined();
    expect(
      payloadProblem({ ...good(), scheduledAt: '2026-12-03T08:00:00.000Z', priority: 3 }),
    ).toBeUndefined();
  });

  it.each([
    [null, 'the payload is null, not an object'],
    ['text', 'the payload is a string, not an object'],
    [[], 'the payload is an array, not an object'],
  ])('refuses a payload that is not an object (%j)', (value, problem) => {
    expect(payloadProblem(value)).toBe(problem);
  });

  it.each([
    [{ jobClass: undefined }, 'jobClass is missing'],
    [{ jobId: '' }, 'jobId is not a non-empty string (got a string)'],
    [{ queueName: null }, 'queueName is not a non-empty string (got null)'],
    [{ arguments: undefined }, 'arguments is missing'],
    [{ arguments: { 0: 'bob' } }, 'arguments is not an array (got an object)'],
    [{ executions: -1 }, 'executions is not a whole number >= 0 (got -1)'],
    [{ priority: 'high' }, 'priority is not a number (got a string)'],
    [{ exceptionExecutions: null }, 'exceptionExecutions is not an object (got null)'],
    [
      { exceptionExecutions: { FlakyError: 'x' } },
      'exceptionExecutions.FlakyError is not a whole number >= 0',
    ],
    [{ enqueuedAt: 5 }, 'enqueuedAt is not a string (got a number)'],
    [{ scheduledAt: 'tomorrow' }, 'scheduledAt is not a date (got "tomorrow")'],
  ])('names the field that is wrong: %j', (change, problem) => {
    expect(payloadProblem({ ...good(), ...change })).toBe(problem);
  });
});
