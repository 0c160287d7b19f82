import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { runBin } from '../../support/processes';
import { useRedisPrefix } from '../../support/redis';

describe('bin/jobs mark-deleted and deletions (a real process, real PostgreSQL)', () => {
  const db = testPrisma();
  const scope = useRedisPrefix('deletions-cli');
  const env = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq' };
  const jobs = (...args: string[]) => runBin('jobs', args, env);
  let ids: number[];

  beforeAll(async () => {
    await truncateAll();
    ids = [];
    for (const at of ['2026-01-01 10:00:00.123', '2026-01-01 10:00:00.124', '2026-01-01 10:00:00.900']) {
      const post = await db.post.create({ data: {} });
      await db.$executeRaw`UPDATE posts SET updated_at = ${at}::timestamp WHERE id = ${post.id}`;
      ids.push(post.id);
    }
  });
  afterAll(() => disconnectTestPrisma());

  it('marks the posts updated before a timestamp with microseconds, exactly, and announces them on the stream', async () => {
    const run = await jobs(
      'mark-deleted',
      '--model',
      'post',
      '--updated-before',
      '2026-01-01T10:00:00.123999Z',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(
      'Marked 1 Post record(s) updated before 2026-01-01T10:00:00.123999Z for deletion; the deleter (bin/worker) removes them (progress: bin/jobs deletions)',
    );
    const json = await jobs(
      'mark-deleted',
      '--model',
      'Post',
      '--updated-before',
      '2026-01-01T10:00:00.9Z',
      '--json',
    );
    expect(JSON.parse(json.stdout)).toEqual({
      model: 'Post',
      before: '2026-01-01T10:00:00.900000Z',
      marked: 1,
    });
    const marked = await db.post.findMany({
      where: { deletionRequestedAt: { not: null } },
      orderBy: { id: 'asc' },
    });
    expect(marked.map((p) => p.id)).toEqual(ids.slice(0, 2));

    const stream = await scope.connection().xrange(`${scope.prefix}:events`, '-', '+');
    const types = stream
      .map(([, fields]) => fields.join(' '))
      .filter((f) => f.includes('record.deletion_requested'));
    expect(types).toHaveLength(2);
  });

  it('deletions: what waits for the deleter', async () => {
    const run = await jobs('deletions', '--json');
    expect(run.code).toBe(0);
    const counts = JSON.parse(run.stdout) as { model: string; marked: number; oldest: string | null }[];
    expect(counts.map((c) => [c.model, c.marked])).toEqual([
      ['Upload', 0],
      ['Post', 2],
    ]);
    expect((await jobs('deletions')).stdout).toMatch(/^model\s+marked\s+oldest/m);
  });

  it('refuses a bad model or timestamp with a one-line message and exit 1; a missing option is a usage error (2)', async () => {
    const model = await jobs('mark-deleted', '--model', 'Tag', '--updated-before', '2026-01-01T00:00:00Z');
    expect([model.code, model.stderr.trim()]).toEqual([1, 'unknown model Tag (known: Upload, Post)']);
    const zone = await jobs('mark-deleted', '--model', 'Post', '--updated-before', '2026-01-01T00:00:00');
    expect(zone.code).toBe(1);
    expect(zone.stderr.trim()).toMatch(/^--updated-before: not an ISO 8601 timestamp with a zone/);
    expect((await jobs('mark-deleted', '--model', 'Post')).code).toBe(2);
  });
});
