/**
 * ProcessBulkUpdateRequestJob publishes bur.* events itself (for live pages in every web process and
 * for MQTT): processing at the start, progress with each report, the outcome at the end.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { configureEvents, EventBroker, type BacklotEvent } from '../../app/framework/index';
import { approveBur, createBur } from '../../app/services/bulk-update-request/approval';
import { ProcessBulkUpdateRequestJob } from '../../jobs/process-bulk-update-request.job';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import {
  createPostsWithTags,
  createUsers,
  useTestQueue,
} from '../services/bulk-update-request/processing-support';

const db = testPrisma();

describe('ProcessBulkUpdateRequestJob events', () => {
  let broker: EventBroker;
  let seen: BacklotEvent[];

  beforeEach(async () => {
    await truncateAll();
    useTestQueue();
    seen = [];
    broker = new EventBroker();
    broker.register({ name: 'record', deliver: (events) => void seen.push(...events) }, { capacity: 1_000 });
    configureEvents(broker);
  });

  afterAll(async () => {
    configureEvents(undefined);
    await broker.close();
    await disconnectTestPrisma();
  });

  /** The request's bur.* events, once its final status (completed or failed) arrived. */
  async function burEvents(burId: number): Promise<BacklotEvent[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const ours = seen.filter((e) => e.topic === `/burs/${burId}` && e.type.startsWith('bur.'));
      const final = ours.some(
        (e) => e.type === 'bur.status' && ['completed', 'failed'].includes(String(e.data.status)),
      );
      if (final || Date.now() > deadline) return ours;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('publishes processing, progress and completed on /burs/:id', async () => {
    const users = await createUsers(db);
    await createPostsWithTags(db, [['old_name'], ['old_name', 'x']]);
    const { bur } = await createBur(users.member, 'alias old_name -> new_name', null, { db });
    await approveBur(bur, users.admin, { db });

    await ProcessBulkUpdateRequestJob.performNow(bur.id);

    const events = await burEvents(bur.id);
    expect(events[0]).toMatchObject({ type: 'bur.status', data: { burId: bur.id, status: 'processing' } });
    expect(
      events.some(
        (e) => e.type === 'bur.progress' && /^line 1 of 1 \(script line 1\)$/.test(String(e.data.message)),
      ),
    ).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'bur.status', data: { burId: bur.id, status: 'completed' } });
  });

  it('publishes failed with the error when a line fails', async () => {
    const users = await createUsers(db);
    await createPostsWithTags(db, [['lonely']]);
    const { bur } = await createBur(users.member, 'rename lonely -> other', null, { db });
    await approveBur(bur, users.admin, { db });
    // A stored line that no longer parses: the line fails when the job runs it.
    await db.bulkUpdateRequestLine.updateMany({
      where: { bulkUpdateRequestId: bur.id },
      data: { text: 'bogus line' },
    });

    await expect(ProcessBulkUpdateRequestJob.performNow(bur.id)).rejects.toThrow();

    const events = await burEvents(bur.id);
    expect(events.at(-1)).toMatchObject({ type: 'bur.status', data: { burId: bur.id, status: 'failed' } });
  });
});
