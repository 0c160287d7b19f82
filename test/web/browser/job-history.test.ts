/**
 * Job history in a real browser, against bin/web and bin/worker (recording history) on this
 * file's Redis prefix:
 *   1. an admin types an argument (`post=N`) into the search box on /admin/jobs, lands on the
 *      history results showing only the failed job with that argument (its arguments readable,
 *      not one JSON line), and opens its page with the execution timeline;
 *   2. a moderator sees the history without arguments and without the argument field, and an
 *      argument search typed into the URL is refused with a message naming it;
 *   3. /admin/jobs/history fits 1280 and 375 px for both (document scrollWidth <= clientWidth);
 *      screenshots in tmp/screenshots/;
 *   4. the job page links a job's dependency and its dependent (class, state), from Redis and,
 *      once Redis let them go, from history; a moderator sees the links but no buttons;
 *   5. an admin retries every failed job of a history search in one action, after a confirmation
 *      saying how many: one still in Redis's failed set is retried in place, one Redis let go is
 *      enqueued again as a new job whose page says which job it retries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../runtime/support';
import { expectFitsBothWidths, screenshot, useBrowserApp } from './browser-support';
import { FlakyJob } from './fixtures';

const SECRET_ARGUMENT = 'history-argument-for-admins-only';

describe('job history in a real browser', () => {
  const app = useBrowserApp('web-history', {
    users: { admin: 'admin', moderator: 'moderator' },
    jobs: [FlakyJob],
    // --require: the web process enqueues FlakyJob again from history, so it must know the class.
    webArgs: ['--require', 'test/web/browser/fixtures.ts'],
    worker: ['--pool=default:2', '--require', 'test/web/browser/fixtures.ts'],
  });
  const { scope, db, signIn } = app;
  // A post id no other execution carries, so the search has exactly one answer.
  const post = 100_000 + Math.floor(Math.random() * 800_000);
  let wantedId = '';
  let otherId = '';
  // A flow: parentId ran after childId (both complete).
  let parentId = '';
  let childId = '';
  // Failed jobs of one marked batch, for the retry: inRedisId stays in the failed set, goneId is removed.
  const batch = `retry-${Math.floor(Math.random() * 1e9)}`;
  let inRedisId = '';
  let goneId = '';

  beforeAll(async () => {
    // Two jobs fail (their key never holds "ok"); only the first carries the post searched for.
    const never = `${scope.prefix}:never-ok`;
    wantedId = (await FlakyJob.performLater(never, 'the wanted one', { post, note: SECRET_ARGUMENT }, 0))
      .jobId;
    otherId = (await FlakyJob.performLater(never, 'another one', { post: post + 1 }, 0)).jobId;
    const ok = `${scope.prefix}:flow-ok`;
    await app.redis.set(ok, 'ok');
    const child = FlakyJob.build(ok, 'the dependency', {}, 0);
    const parent = FlakyJob.build(ok, 'the dependent', {}, 0);
    await parent.enqueueAfter([child]);
    parentId = parent.jobId;
    childId = child.jobId;
    const retryKey = `${scope.prefix}:retry-ok`;
    inRedisId = (await FlakyJob.performLater(retryKey, 'kept', { batch }, 0)).jobId;
    goneId = (await FlakyJob.performLater(retryKey, 'let go', { batch }, 0)).jobId;
    await waitUntil(
      'the failures and the flow recorded in the job history',
      async () =>
        (await db.jobExecution.count({
          where: { jobId: { in: [wantedId, otherId, inRedisId, goneId] }, state: 'failed' },
        })) === 4 &&
        (await db.jobExecution.count({
          where: { jobId: { in: [parentId, childId] }, state: 'completed' },
        })) === 2,
      { timeoutMs: 30_000 },
    );
    // Redis lets one failed job go (as retention or a flush would): history alone knows it.
    await (await app.adapter.queue('default').getJob(goneId))?.remove();
  }, 90_000);

  const fitsBothWidths = (path: string, name: string) =>
    expectFitsBothWidths(app.page, app.base, path, `history-${name}`);

  it('lets an admin find a failed job by argument from /admin/jobs and open its timeline', async () => {
    await signIn('admin');
    await app.page.goto(`${app.base}/admin/jobs`);
    const box = app.page.locator('form.history-search');
    await box.locator('input[name=args]').fill(`post=${post}`);
    await box.locator('select[name=state]').selectOption('failed');
    await Promise.all([
      app.page.waitForURL(/\/admin\/jobs\/history\?/),
      box.locator('button[type=submit]').click(),
    ]);
    expect(new URL(app.page.url()).searchParams.get('args')).toBe(`post=${post}`);
    const rows = app.page.locator('table.history-executions tbody tr[data-job-id]');
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-job-id')).toBe(wantedId);
    expect(await row.locator('.state').textContent()).toBe('failed');
    // Readable arguments: one list item per argument, an object's keys as labelled pairs.
    const args = row.locator('td.arguments ol.args > li');
    expect(await args.count()).toBe(4);
    expect(await args.nth(1).textContent()).toBe('the wanted one');
    const pairs = args.nth(2).locator('.arg-pair');
    // (jsonb keeps its own key order)
    expect((await pairs.allTextContents()).sort()).toEqual([`note ${SECRET_ARGUMENT}`, `post ${post}`]);
    await screenshot(app.page, 'history-01-admin-found-by-argument');

    await Promise.all([
      app.page.waitForURL(`${app.base}/admin/jobs/${wantedId}`),
      row.locator('td.job-id a').click(),
    ]);
    const attempts = app.page.locator('ol.timeline li.execution');
    expect(await attempts.count()).toBe(1);
    expect(await attempts.first().textContent()).toContain('Attempt 1');
    expect(await attempts.first().textContent()).toContain('not yet: the wanted one');
    expect(await app.page.locator('pre.arguments').textContent()).toContain(SECRET_ARGUMENT);
    await screenshot(app.page, 'history-02-admin-job-timeline');
  }, 60_000);

  it('fits 1280 and 375 px for an admin, arguments shown', async () => {
    await fitsBothWidths('/admin/jobs/history', 'admin');
    await fitsBothWidths(`/admin/jobs/history?args=post%3D${post}`, 'admin-by-argument');
    await fitsBothWidths('/admin/jobs', 'admin-jobs-search-box');
  }, 60_000);

  it('shows a moderator no arguments and no argument search', async () => {
    await signIn('moderator');
    await app.page.goto(`${app.base}/admin/jobs`);
    expect(await app.page.locator('form.history-search').count()).toBe(1);
    expect(await app.page.locator('input[name=args]').count()).toBe(0);

    await app.page.goto(`${app.base}/admin/jobs/history?state=failed`);
    expect(await app.page.locator(`tr[data-job-id="${wantedId}"]`).count()).toBe(1);
    expect(await app.page.locator('input[name=args]').count()).toBe(0);
    expect(await app.page.locator('td.arguments, th:has-text("Arguments")').count()).toBe(0);
    expect(await app.page.content()).not.toContain(SECRET_ARGUMENT);
    expect(await app.page.content()).not.toContain(`post=${post}`);

    const refused = await app.page.goto(`${app.base}/admin/jobs/history?args=post%3D${post}`);
    expect(refused?.status()).toBe(422);
    expect(await app.page.locator('main').textContent()).toContain('searching by arguments is for admins');
    expect(await app.page.content()).not.toContain(SECRET_ARGUMENT);

    await app.page.goto(`${app.base}/admin/jobs/${wantedId}`);
    expect(await app.page.locator('.hidden-args').textContent()).toBe(
      'Arguments are visible to admins only.',
    );
    expect(await app.page.locator('ol.timeline li.execution').count()).toBe(1);
    expect(await app.page.content()).not.toContain(SECRET_ARGUMENT);
    await fitsBothWidths('/admin/jobs/history', 'moderator');
  }, 60_000);
  it('links a job to its dependency and its dependent, from Redis and then from history', async () => {
    await signIn('admin');
    await app.page.goto(`${app.base}/admin/jobs/${parentId}`);
    const dependency = app.page.locator(`ul.job-links.dependencies li[data-link-id="${childId}"]`);
    expect(await dependency.locator('.job-class').textContent()).toBe('Fixture.FlakyJob');
    expect(await dependency.locator('.state').textContent()).toBe('completed');
    expect(await dependency.locator('.link-source').count()).toBe(0);
    await screenshot(app.page, 'history-03-admin-job-dependency');
    await Promise.all([
      app.page.waitForURL(`${app.base}/admin/jobs/${childId}`),
      dependency.locator('a').click(),
    ]);
    const dependent = app.page.locator(`ul.job-links.dependents li[data-link-id="${parentId}"]`);
    expect(await dependent.locator('.state').textContent()).toBe('completed');
    await fitsBothWidths(`/admin/jobs/${parentId}`, 'admin-job-links-redis');

    // Redis lets the flow go (removing the parent removes its dependency): history still links them.
    await (await app.adapter.queue('default').getJob(parentId))?.remove();
    await app.page.goto(`${app.base}/admin/jobs/${childId}`);
    expect(await app.page.locator('main').textContent()).toContain('Redis no longer holds this job');
    const recorded = app.page.locator(`ul.job-links.dependents li[data-link-id="${parentId}"]`);
    expect(await recorded.locator('.state').textContent()).toBe('completed');
    expect(await recorded.locator('.link-source').textContent()).toBe('(from history)');
    expect(await app.page.locator('p.history-note').count()).toBe(1);
    await Promise.all([
      app.page.waitForURL(`${app.base}/admin/jobs/${parentId}`),
      recorded.locator('a').click(),
    ]);
    expect(
      await app.page
        .locator(`ul.job-links.dependencies li[data-link-id="${childId}"] .link-source`)
        .textContent(),
    ).toBe('(from history)');
    await fitsBothWidths(`/admin/jobs/${parentId}`, 'admin-job-links-history');
  }, 60_000);

  it('lets an admin retry the failed jobs of a history search, one of them gone from Redis', async () => {
    await signIn('admin');
    const search = `/admin/jobs/history?state=failed&args=${encodeURIComponent(`batch=${batch}`)}`;
    await app.page.goto(`${app.base}${search}`);
    expect(await app.page.locator('table.history-executions tbody tr[data-job-id]').count()).toBe(2);
    await Promise.all([
      app.page.waitForURL(/\/admin\/jobs\/history\/retry\/confirm\?/),
      app.page.locator('a[data-bulk="history-retry"]').click(),
    ]);
    expect(await app.page.locator('[data-retry-count]').textContent()).toBe('2');
    expect(await app.page.locator('[data-retry-matched]').textContent()).toBe('2');
    expect(await app.page.locator('[data-retry-in-place]').textContent()).toBe('1');
    expect(await app.page.locator('[data-retry-again]').textContent()).toBe('1');
    await screenshot(app.page, 'history-04-admin-retry-confirm');
    await fitsBothWidths(app.page.url().slice(app.base.length), 'admin-retry-confirm');

    await scope.connection().set(`${scope.prefix}:retry-ok`, 'ok');
    await Promise.all([
      app.page.waitForURL(
        (url) => url.pathname === '/admin/jobs/history' && url.searchParams.get('state') === 'failed',
      ),
      app.page.locator('.dialog button[type=submit]').click(),
    ]);
    expect(await app.page.locator('.flash.notice').textContent()).toBe(
      '1 failed job(s) retried in place, 1 enqueued again as new jobs',
    );
    await screenshot(app.page, 'history-05-admin-retried');
    const copy = await db.jobHistoryRetry.findUniqueOrThrow({ where: { retryOf: goneId } });
    expect(copy.retriedBy).toBe('admin');
    await waitUntil(
      'the retried job and the new copy completed',
      async () =>
        (await db.jobExecution.count({
          where: { jobId: { in: [inRedisId, copy.jobId] }, state: 'completed' },
        })) === 2,
      { timeoutMs: 30_000 },
    );
    // Their latest executions completed: the search finds no failed job of the batch any more.
    await app.page.goto(
      `${app.base}/admin/jobs/history/retry/confirm?state=failed&args=${encodeURIComponent(`batch=${batch}`)}`,
    );
    expect(await app.page.locator('[data-retry-matched]').textContent()).toBe('0');
    expect(await app.page.locator('.dialog button[type=submit]').isDisabled()).toBe(true);

    await app.page.goto(`${app.base}/admin/jobs/${goneId}`);
    const retriedAs = app.page.locator('p.retried-as a');
    expect(await retriedAs.textContent()).toBe(copy.jobId);
    await Promise.all([app.page.waitForURL(`${app.base}/admin/jobs/${copy.jobId}`), retriedAs.click()]);
    expect(await app.page.locator('p.retry-of a').textContent()).toBe(goneId);
    expect(await app.page.locator('pre.arguments').textContent()).toContain(batch);
    await screenshot(app.page, 'history-06-admin-retry-copy');
  }, 90_000);

  it('shows a moderator the links to related jobs but no retry and no action buttons', async () => {
    await signIn('moderator');
    await app.page.goto(`${app.base}/admin/jobs/history?state=failed`);
    expect(await app.page.locator('a[data-bulk="history-retry"]').count()).toBe(0);
    const refused = await app.page.goto(`${app.base}/admin/jobs/history/retry/confirm?state=failed`);
    expect(refused?.status()).toBe(403);

    await app.page.goto(`${app.base}/admin/jobs/${childId}`);
    const dependent = app.page.locator(`ul.job-links.dependents li[data-link-id="${parentId}"]`);
    expect(await dependent.locator('.job-class').textContent()).toBe('Fixture.FlakyJob');
    expect(await app.page.locator('main form, main button').count()).toBe(0);
    expect(await app.page.locator('.hidden-args').count()).toBe(1);
    await fitsBothWidths(`/admin/jobs/${childId}`, 'moderator-job-links');
  }, 60_000);
});
