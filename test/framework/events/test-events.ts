/**
 * Test-only event types and viewer policy for the event bus specs, so the framework's specs use
 * none of the app's: thing.status and thing.progress on /things/:id, and levels 0 / 20 / 50.
 *
 * Example: broker.publish(createEvent(thingStatus, { thingId: 12, status: 'done' }))  // on /things/12
 */
import { z } from 'zod';
import { defineEvent, defineViewerPolicy, topicSegment } from '../../../app/framework/index';

const thingId = z.union([z.string().min(1).max(200), z.number().int()]);
const onThing = { topic: (data: { thingId: string | number }) => `/things/${topicSegment(data.thingId)}` };

export const thingStatus = defineEvent(
  'thing.status',
  z.object({ thingId, status: z.string().min(1).max(64), message: z.string().optional() }),
  onThing,
);

export const thingProgress = defineEvent(
  'thing.progress',
  z.object({ thingId, done: z.number().int().min(0), total: z.number().int().min(0) }),
  onThing,
);

export const TEST_LEVELS = { anonymous: 0, member: 20, admin: 50 } as const;

/** Anonymous: /lifecycle; members: also /jobs and /things; admins: everything, arguments and error messages. */
export const TEST_POLICY = defineViewerPolicy({
  topics: { lifecycle: 0, jobs: TEST_LEVELS.member, things: TEST_LEVELS.member },
  otherTopics: TEST_LEVELS.admin,
  arguments: TEST_LEVELS.admin,
  errorMessages: TEST_LEVELS.admin,
});
