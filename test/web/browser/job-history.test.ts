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
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqAdapter, configureBacklot, registerJobs } from '../../../app/framework/index';
import { QUEUE_NAMES } from '../../../config/queues';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { spawnBin, type BinProcess } from '../../support/processes';
import {
  freePort,
  processEnv,
  startWorker,
  useWorkerScope,
  waitUntil,
  type WorkerHandle,
} from '../../runtime/support';
import { createUser, PASSWORD } from '../support';
import {
  expectFitsBothWidths,
  launchChromium,
  screenshot,
  signInAs,
  type LaunchedBrowser,
} from './browser-support';
import { FlakyJob } from './fixtures';

const SECRET_ARGUMENT = 'history-argument-for-admins-only';

describe('job history in a real browser', () => {
  const scope = useWorkerScope('web-history');
  const db = testPrisma();
  const env = processEnv(scope.prefix, { SESSION_SECRET: 's'.repeat(40), LOG_LEVEL: 'info' });
  // A post id no other execution carries, so the search has exactly one answer.
  const post = 100_000 + Math.floor(Math.random() * 800_000);
  let web: BinProcess;
  let worker: WorkerHandle;
  let browser: LaunchedBrowser;
  let page: Page;
  let base = '';
  let adapter: BullmqAdapter;
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
    await truncateAll(db);
    await createUser(db, 'admin', 'admin');
    await createUser(db, 'moderator', 'moderator');
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([FlakyJob]);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // --require: the web process enqueues FlakyJob again from history, so it must know the class.
    web = spawnBin('web', ['--require', 'test/web/browser/fixtures.ts'], { ...env, PORT: String(port) });
    worker = startWorker(['--pool=default:2', '--require', 'test/web/browser/fixtures.ts'], env);
    await web.waitFor(/Web server listening/, 30_000);
    await worker.started();

    // Two jobs fail (their key never holds "ok"); only the first carries the post searched for.
    const never = `${scope.prefix}:never-ok`;
    wantedId = (await FlakyJob.performLater(never, 'the wanted one', { post, note: SECRET_ARGUMENT }, 0))
      .jobId;
    otherId = (await FlakyJob.performLater(never, 'another one', { post: post + 1 }, 0)).jobId;
    const redis = scope.connection();
    const ok = `${scope.prefix}:flow-ok`;
    await redis.set(ok, 'ok');
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
    await (await adapter.queue('default').getJob(goneId))?.remove();
    browser = await launchChromium();
    page = await browser.context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (web && web.child.exitCode === null) web.signal('SIGKILL');
    worker?.proc.signal('SIGTERM');
    await worker?.proc.exited;
    await adapter?.close();
    await disconnectTestPrisma();
  }, 30_000);

  const signIn = (name: string) => signInAs(page, base, name, PASSWORD);
  const fitsBothWidths = (path: string, name: string) =>
    expectFitsBothWidths(page, base, path, `history-${name}`);

  it('lets an admin find a failed job by argument from /admin/jobs and open its timeline', async () => {
    await signIn('admin');
    await page.goto(`${base}/admin/jobs`);
    const box = page.locator('form.history-search');
    await box.locator('input[name=args]').fill(`post=${post}`);
    await box.locator('select[name=state]').selectOption('failed');
    await Promise.all([
      page.waitForURL(/\/admin\/jobs\/history\?/),
      box.locator('button[type=submit]').click(),
    ]);
    expect(new URL(page.url()).searchParams.get('args')).toBe(`post=${post}`);
    const rows = page.locator('table.history-executions tbody tr[data-job-id]');
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
    await screenshot(page, 'history-01-admin-found-by-argument');

    await Promise.all([
      page.waitForURL(`${base}/admin/jobs/${wantedId}`),
      row.locator('td.job-id a').click(),
    ]);
    const attempts = page.locator('ol.timeline li.execution');
    expect(await attempts.count()).toBe(1);
    expect(await attempts.first().textContent()).toContain('Attempt 1');
    expect(await attempts.first().textContent()).toContain('not yet: the wanted one');
    expect(await page.locator('pre.arguments').textContent()).toContain(SECRET_ARGUMENT);
    await screenshot(page, 'history-02-admin-job-timeline');
  }, 60_000);

  it('fits 1280 and 375 px for an admin, arguments shown', async () => {
    await fitsBothWidths('/admin/jobs/history', 'admin');
    await fitsBothWidths(`/admin/jobs/history?args=post%3D${post}`, 'admin-by-argument');
    await fitsBothWidths('/admin/jobs', 'admin-jobs-search-box');
  }, 60_000);

  it('shows a moderator no arguments and no argument search', async () => {
    await signIn('moderator');
    await page.goto(`${base}/admin/jobs`);
    expect(await page.locator('form.history-search').count()).toBe(1);
    expect(await page.locator('input[name=args]').count()).toBe(0);

    await page.goto(`${base}/admin/jobs/history?state=failed`);
    expect(await page.locator(`tr[data-job-id="${wantedId}"]`).count()).toBe(1);
    expect(await page.locator('input[name=args]').count()).toBe(0);
    expect(await page.locator('td.arguments, th:has-text("Arguments")').count()).toBe(0);
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);
    expect(await page.content()).not.toContain(`post=${post}`);

    const refused = await page.goto(`${base}/admin/jobs/history?args=post%3D${post}`);
    expect(refused?.status()).toBe(422);
    expect(await page.locator('main').textContent()).toContain('searching by arguments is for admins');
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);

    await page.goto(`${base}/admin/jobs/${wantedId}`);
    expect(await page.locator('.hidden-args').textContent()).toBe('Arguments are visible to admins only.');
    expect(await page.locator('ol.timeline li.execution').count()).toBe(1);
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);
    await fitsBothWidths('/admin/jobs/history', 'moderator');
  }, 60_000);
  it('links a job to its dependency and its dependent, from Redis and then from history', async () => {
    await signIn('admin');
    await page.goto(`${base}/admin/jobs/${parentId}`);
    const dependency = page.locator(`ul.job-links.dependencies li[data-link-id="${childId}"]`);
    expect(await dependency.locator('.job-class').textContent()).toBe('Fixture.FlakyJob');
    expect(await dependency.locator('.state').textContent()).toBe('completed');
    expect(await dependency.locator('.link-source').count()).toBe(0);
    await screenshot(page, 'history-03-admin-job-dependency');
    await Promise.all([page.waitForURL(`${base}/admin/jobs/${childId}`), dependency.locator('a').click()]);
    const dependent = page.locator(`ul.job-links.dependents li[data-link-id="${parentId}"]`);
    expect(await dependent.locator('.state').textContent()).toBe('completed');
    await fitsBothWidths(`/admin/jobs/${parentId}`, 'admin-job-links-redis');

    // Redis lets the flow go (removing the parent removes its dependency): history still links them.
    await (await adapter.queue('default').getJob(parentId))?.remove();
    await page.goto(`${base}/admin/jobs/${childId}`);
    expect(await page.locator('main').textContent()).toContain('Redis no longer holds this job');
    const recorded = page.locator(`ul.job-links.dependents li[data-link-id="${parentId}"]`);
    expect(await recorded.locator('.state').textContent()).toBe('completed');
    expect(await recorded.locator('.link-source').textContent()).toBe('(from history)');
    expect(await page.locator('p.history-note').count()).toBe(1);
    await Promise.all([page.waitForURL(`${base}/admin/jobs/${parentId}`), recorded.locator('a').click()]);
    expect(
      await page
        .locator(`ul.job-links.dependencies li[data-link-id="${childId}"] .link-source`)
        .textContent(),
    ).toBe('(from history)');
    await fitsBothWidths(`/admin/jobs/${parentId}`, 'admin-job-links-history');
  }, 60_000);

  it('lets an admin retry the failed jobs of a history search, one of them gone from Redis', async () => {
    await signIn('admin');
    const search = `/admin/jobs/history?state=failed&args=${encodeURIComponent(`batch=${batch}`)}`;
    await page.goto(`${base}${search}`);
    expect(await page.locator('table.history-executions tbody tr[data-job-id]').count()).toBe(2);
    await Promise.all([
      page.waitForURL(/\/admin\/jobs\/history\/retry\/confirm\?/),
      page.locator('a[data-bulk="history-retry"]').click(),
    ]);
    expect(await page.locator('[data-retry-count]').textContent()).toBe('2');
    expect(await page.locator('[data-retry-matched]').textContent()).toBe('2');
    expect(await page.locator('[data-retry-in-place]').textContent()).toBe('1');
    expect(await page.locator('[data-retry-again]').textContent()).toBe('1');
    await screenshot(page, 'history-04-admin-retry-confirm');
    await fitsBothWidths(page.url().slice(base.length), 'admin-retry-confirm');

    await scope.connection().set(`${scope.prefix}:retry-ok`, 'ok');
    await Promise.all([
      page.waitForURL(
        (url) => url.pathname === '/admin/jobs/history' && url.searchParams.get('state') === 'failed',
      ),
      page.locator('.dialog button[type=submit]').click(),
    ]);
    expect(await page.locator('.flash.notice').textContent()).toBe(
      '1 failed job(s) retried in place, 1 enqueued again as new jobs',
    );
    await screenshot(page, 'history-05-admin-retried');
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
    await page.goto(
      `${base}/admin/jobs/history/retry/confirm?state=failed&args=${encodeURIComponent(`batch=${batch}`)}`,
    );
    expect(await page.locator('[data-retry-matched]').textContent()).toBe('0');
    expect(await page.locator('.dialog button[type=submit]').isDisabled()).toBe(true);

    await page.goto(`${base}/admin/jobs/${goneId}`);
    const retriedAs = page.locator('p.retried-as a');
    expect(await retriedAs.textContent()).toBe(copy.jobId);
    await Promise.all([page.waitForURL(`${base}/admin/jobs/${copy.jobId}`), retriedAs.click()]);
    expect(await page.locator('p.retry-of a').textContent()).toBe(goneId);
    expect(await page.locator('pre.arguments').textContent()).toContain(batch);
    await screenshot(page, 'history-06-admin-retry-copy');
  }, 90_000);

  it('shows a moderator the links to related jobs but no retry and no action buttons', async () => {
    await signIn('moderator');
    await page.goto(`${base}/admin/jobs/history?state=failed`);
    expect(await page.locator('a[data-bulk="history-retry"]').count()).toBe(0);
    const refused = await page.goto(`${base}/admin/jobs/history/retry/confirm?state=failed`);
    expect(refused?.status()).toBe(403);

    await page.goto(`${base}/admin/jobs/${childId}`);
    const dependent = page.locator(`ul.job-links.dependents li[data-link-id="${parentId}"]`);
    expect(await dependent.locator('.job-class').textContent()).toBe('Fixture.FlakyJob');
    expect(await page.locator('main form, main button').count()).toBe(0);
    expect(await page.locator('.hidden-args').count()).toBe(1);
    await fitsBothWidths(`/admin/jobs/${childId}`, 'moderator-job-links');
  }, 60_000);
});
