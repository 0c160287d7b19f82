import { describe, expect, it } from 'vitest';
import { PruneMailOutboxJob } from '../../jobs/prune-mail-outbox.job';
import { testPrisma, useFreshDatabase } from '../support/database';
import { daysAgo } from './fixtures';

const db = testPrisma();

useFreshDatabase();

describe('PruneMailOutboxJob', () => {
  it('deletes outbox mail older than 90 days in chunks and keeps newer mail', async () => {
    const ages = [400, 120, 91, 90.5, 89, 10, 0];
    await db.mailOutbox.createMany({
      data: ages.map((age, i) => ({
        messageId: `m${i}`,
        recipient: 'a@example.com',
        subject: `age ${age}`,
        body: '',
        createdAt: daysAgo(age),
      })),
    });

    expect(await PruneMailOutboxJob.performNow(90, 2)).toEqual({ deleted: 4 });
    expect((await db.mailOutbox.findMany({ orderBy: { id: 'asc' } })).map((m) => m.subject)).toEqual([
      'age 89',
      'age 10',
      'age 0',
    ]);
  });
});
