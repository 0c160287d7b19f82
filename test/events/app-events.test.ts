/**
 * The image board's event types (app/events/): bur.* on /burs/:id and record.* on
 * /records/:model/:id, each surviving a JSON round trip through parseEvent, and the app's viewer
 * policy by Danbooru's levels (the stream-level behaviour is in test/web/live.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createEvent, parseEvent } from '../../app/framework/index';
import {
  appTopics,
  appViewerPolicy,
  burProgress,
  burStatus,
  recordDeleted,
  recordDeletionRequested,
  recordUpdated,
  VIEWER_LEVELS,
} from '../../app/events/index';

describe("the app's events", () => {
  it('publishes each type on its topic, and reads it back from JSON', () => {
    const samples = [
      [createEvent(burStatus, { burId: 12, status: 'processing', jobId: 'j1' }), '/burs/12'],
      [createEvent(burProgress, { burId: '12', done: 3, total: 9 }), '/burs/12'],
      [
        createEvent(recordDeletionRequested, { model: 'Post', recordId: 7, requestedBy: 1 }),
        '/records/Post/7',
      ],
      [createEvent(recordDeleted, { model: 'Post', recordId: 7, jobId: 'j1' }), '/records/Post/7'],
      [
        createEvent(recordUpdated, { model: 'Upload', recordId: 'a/b', status: 'completed' }),
        '/records/Upload/a%2Fb',
      ],
    ] as const;
    for (const [event, topic] of samples) {
      expect(event.topic).toBe(topic);
      expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
    }
    expect(() => parseEvent({ ...samples[0][0], data: { status: 'x' } })).toThrow(/at data\.burId/);
    expect(appTopics.records()).toBe('/records');
  });

  it('lets everyone follow /burs, members /records, moderators /jobs, admins the rest', () => {
    const { topicFilter } = appViewerPolicy;
    expect(topicFilter('/burs/1', VIEWER_LEVELS.anonymous)).toBe(true);
    expect(topicFilter('/records/Post/1', VIEWER_LEVELS.anonymous)).toBe(false);
    expect(topicFilter('/records/Post/1', VIEWER_LEVELS.member)).toBe(true);
    expect(topicFilter('/jobs', VIEWER_LEVELS.builder)).toBe(false);
    expect(topicFilter('/jobs', VIEWER_LEVELS.moderator)).toBe(true);
    expect(topicFilter('/workers', VIEWER_LEVELS.moderator)).toBe(false);
    expect(topicFilter('/workers', VIEWER_LEVELS.admin)).toBe(true);
  });

  it('shows moderators error messages but not job arguments; admins everything', () => {
    const failed = createEvent('job.failed', {
      jobId: 'j',
      jobClass: 'X',
      queue: 'default',
      attempt: 1,
      durationMs: 1,
      error: { name: 'E', message: 'why' },
      exhausted: true,
      discarded: false,
    });
    const started = createEvent('job.started', {
      jobId: 'j',
      jobClass: 'X',
      queue: 'default',
      attempt: 1,
      arguments: [1],
    });
    expect(appViewerPolicy.fieldPolicy(failed, VIEWER_LEVELS.moderator)).toBe(failed);
    expect(appViewerPolicy.fieldPolicy(started, VIEWER_LEVELS.moderator)?.data).not.toHaveProperty(
      'arguments',
    );
    expect(appViewerPolicy.fieldPolicy(started, VIEWER_LEVELS.admin)).toBe(started);
    expect(appViewerPolicy.fieldPolicy(failed, VIEWER_LEVELS.member)?.data).toMatchObject({
      error: { name: 'E' },
    });
    expect(JSON.stringify(appViewerPolicy.fieldPolicy(failed, VIEWER_LEVELS.member))).not.toContain('why');
  });
});
