/**
 * defineViewerPolicy: topics by root and level, the field rules (arguments, error messages), the
 * app's own field policy, bad rules, and the conservative default sseHandler uses without one.
 */
import { describe, expect, it } from 'vitest';
import {
  createEvent,
  DEFAULT_VIEWER_POLICY,
  defineViewerPolicy,
  ViewerPolicyError,
} from '../../../app/framework/index';
import { thingStatus } from './test-events';

const job = { jobId: 'j1', jobClass: 'MailJob', queue: 'default', attempt: 1 };
const started = createEvent('job.started', { ...job, arguments: [{ to: 'a@b' }] });
const failed = createEvent('job.failed', {
  ...job,
  durationMs: 1,
  error: { name: 'SmtpError', message: 'refused' },
  exhausted: true,
  discarded: false,
});
const thing = createEvent(thingStatus, { thingId: 1, status: 'ok' });

describe('defineViewerPolicy', () => {
  const policy = defineViewerPolicy({
    topics: { lifecycle: 0, things: 0, jobs: 40 },
    otherTopics: 50,
    arguments: 50,
    errorMessages: 40,
  });

  it('lets a level follow a topic from the level given for its root; other roots from otherTopics', () => {
    const cases: [string, number, boolean][] = [
      ['/things/1', 0, true],
      ['/lifecycle/clock', 0, true],
      ['/jobs', 20, false],
      ['/jobs/j1', 40, true],
      ['/workers', 40, false],
      ['/workers/h%3A1', 50, true],
      ['/jobsx', 40, false], // a root, not a prefix
    ];
    for (const [topic, level, allowed] of cases)
      expect(policy.topicFilter(topic, level), `${topic} at ${level}`).toBe(allowed);
  });

  it('removes arguments below `arguments` and error messages below `errorMessages`; untouched events stay the same object', () => {
    expect(policy.fieldPolicy(started, 50)).toBe(started);
    expect(policy.fieldPolicy(failed, 40)).toBe(failed);
    expect(policy.fieldPolicy(thing, 0)).toBe(thing);
    expect(policy.fieldPolicy(started, 40)?.data).toEqual(job);
    expect(policy.fieldPolicy(failed, 20)?.data).toMatchObject({ error: { name: 'SmtpError' } });
    expect(JSON.stringify(policy.fieldPolicy(failed, 20))).not.toContain('refused');
    expect(started.data.arguments).toEqual([{ to: 'a@b' }]); // the original is not changed
  });

  it("takes the app's own field policy instead of the rules", () => {
    const hidden = defineViewerPolicy({
      topics: { things: 0 },
      fields: (event, level) => (level > 0 ? event : undefined),
    });
    expect(hidden.fieldPolicy(thing, 0)).toBeUndefined();
    expect(hidden.fieldPolicy(thing, 1)).toBe(thing);
  });

  it('refuses levels that are not numbers, naming the rule', () => {
    expect(() => defineViewerPolicy({ topics: { jobs: 'admin' as unknown as number } })).toThrow(
      ViewerPolicyError,
    );
    expect(() => defineViewerPolicy({ topics: { jobs: 'admin' as unknown as number } })).toThrow(
      'viewer policy: topics.jobs must be a level (a number), got admin',
    );
    expect(() => defineViewerPolicy({ topics: {}, arguments: Number.NaN })).toThrow(
      /arguments must be a level/,
    );
  });
});

describe('DEFAULT_VIEWER_POLICY', () => {
  it('shows /lifecycle to every level and nothing else, without arguments or error messages', () => {
    for (const level of [0, 50, 1_000_000]) {
      expect(DEFAULT_VIEWER_POLICY.topicFilter('/lifecycle/clock', level)).toBe(true);
      expect(DEFAULT_VIEWER_POLICY.topicFilter('/jobs', level)).toBe(false);
      expect(DEFAULT_VIEWER_POLICY.topicFilter('/things/1', level)).toBe(false);
      expect(DEFAULT_VIEWER_POLICY.fieldPolicy(started, level)?.data).toEqual(job);
      expect(DEFAULT_VIEWER_POLICY.fieldPolicy(failed, level)?.data).toMatchObject({
        error: { name: 'SmtpError' },
      });
    }
  });
});
