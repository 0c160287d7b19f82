/**
 * The jobs dashboard in a real browser, against bin/web and bin/worker on this file's Redis
 * prefix (playwright-core in Debian's chromium):
 *   1. an admin pauses the default queue from the Paused column (a job enqueued meanwhile stays
 *      waiting while the worker runs) and resumes it (the job completes);
 *   2. an admin filters failed jobs by class and retries all of them in one bulk action, after a
 *      confirmation stating how many; a failed job of another class stays failed;
 *   3. a moderator sees neither arguments nor any action button;
 *   4. /admin/jobs, a job page (a long class name in its heading) and the other tables fit 1280 and 375 px without horizontal
 *      scrolling of the page (document scrollWidth <= clientWidth); screenshots in tmp/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../runtime/support';
import { expectFitsBothWidths, screenshot, useBrowserApp } from './browser-support';
import { FlakyJob } from './fixtures';

const SECRET_ARGUMENT = 'argument-for-admins-only';

describe('the jobs dashboard in a real browser', () => {
  const app = useBrowserApp('web-dashboard', {
    users: { admin: 'admin', moderator: 'moderator' },
    jobs: [FlakyJob],
    worker: ['--pool=default:2', '--require', 'test/web/browser/fixtures.ts'],
  });
  const { scope, signIn } = app;
  let failedId = '';

  const fitsBothWidths = (path: string, name: string) =>
    expectFitsBothWidths(app.page, app.base, path, `dashboard-${name}`);

  it('pauses and resumes a queue from the Paused column', async () => {
    await signIn('admin');
    await app.page.goto(`${app.base}/admin/jobs`);
    const cell = app.page.locator('td[data-queue-paused="default"]');
    await Promise.all([
      app.page.waitForURL(`${app.base}/admin/jobs`),
      cell.locator('button:has-text("Pause")').click(),
    ]);
    expect(await app.page.locator('.flash.notice').textContent()).toContain('Queue default paused');
    expect(await cell.locator('.state-paused').textContent()).toBe('paused');

    const key = `${scope.prefix}:pause-ok`;
    await app.redis.set(key, 'ok');
    const job = await FlakyJob.performLater(key, 'waits for resume', {}, 0);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await app.adapter.queue('default').getJobState(job.jobId)).toBe('waiting');
    await screenshot(app.page, 'dashboard-01-queue-paused');

    await Promise.all([
      app.page.waitForURL(`${app.base}/admin/jobs`),
      cell.locator('button:has-text("Resume")').click(),
    ]);
    expect(await app.page.locator('.flash.notice').textContent()).toContain('Queue default resumed');
    expect(await cell.locator('.state-paused').count()).toBe(0);
    await waitUntil(
      'the job runs after resume',
      async () => (await app.adapter.queue('default').getJobState(job.jobId)) === 'completed',
      { timeoutMs: 20_000 },
    );
  }, 60_000);

  it('retries all failed jobs of a class in one bulk action, after a confirmation saying how many', async () => {
    const key = `${scope.prefix}:bulk-ok`;
    const flaky = await Promise.all(
      [1, 2, 3].map((i) => FlakyJob.performLater(key, `bulk ${i}`, { note: SECRET_ARGUMENT }, 0)),
    );
    const queue = app.adapter.queue('default');
    await queue.add(
      'Fixture.NoSuchProcessBulkUpdateRequestJob',
      {
        // A long class name: the job page's heading must still fit 375 px.
        jobClass: 'Fixture.NoSuchProcessBulkUpdateRequestJob',
        jobId: 'other-class',
        queueName: 'default',
        arguments: [SECRET_ARGUMENT],
        executions: 0,
        exceptionExecutions: {},
        enqueuedAt: new Date().toISOString(),
      },
      { jobId: 'other-class' },
    );
    failedId = 'other-class';
    await waitUntil('four failed jobs', async () => (await queue.getFailedCount()) === 4, {
      timeoutMs: 20_000,
    });

    await app.page.goto(`${app.base}/admin/jobs`);
    await app.page.selectOption('form.filters select[name=state]', 'failed');
    await app.page.fill('form.filters input[name=class]', 'Fixture.FlakyJob');
    await Promise.all([
      app.page.waitForURL(/state=failed/),
      app.page.click('form.filters button[type=submit]'),
    ]);
    expect(await app.page.locator('tbody tr[data-job-id]').count()).toBe(3);
    await screenshot(app.page, 'dashboard-02-failed-of-a-class');

    await Promise.all([
      app.page.waitForURL(/\/admin\/bulk\/retry\/confirm/),
      app.page.click('a[data-bulk="retry"]'),
    ]);
    expect(await app.page.locator('[data-bulk-count]').textContent()).toBe('3');
    await screenshot(app.page, 'dashboard-03-bulk-retry-confirm');
    await app.redis.set(key, 'ok');
    await Promise.all([app.page.waitForURL(/\/admin\/jobs/), app.page.click('.dialog button.danger')]);
    expect(await app.page.locator('.flash.notice').textContent()).toContain('3 job(s) retried');

    await waitUntil(
      'the three retried jobs completed',
      async () =>
        (await Promise.all(flaky.map((j) => queue.getJobState(j.jobId)))).every((s) => s === 'completed'),
      { timeoutMs: 30_000 },
    );
    expect(await queue.getJobState('other-class')).toBe('failed');
    await app.page.goto(`${app.base}/admin/jobs`);
    await screenshot(app.page, 'dashboard-04-after-bulk-retry');
  }, 90_000);

  it('fits 1280 and 375 px for an admin: the jobs app.page, a job page and the other tables', async () => {
    await fitsBothWidths('/admin/jobs', 'admin-jobs');
    await fitsBothWidths(`/admin/jobs/${failedId}`, 'admin-job');
    await fitsBothWidths('/admin/bulk/retry/confirm?state=failed', 'admin-bulk-confirm');
    await fitsBothWidths('/users', 'users');
    await fitsBothWidths('/bulk_update_requests', 'burs');
    await fitsBothWidths('/tags', 'tags');
  }, 90_000);

  it('shows a moderator no arguments and no action buttons, at both widths', async () => {
    await signIn('moderator');
    await app.page.goto(`${app.base}/admin/jobs`);
    expect(await app.page.locator('main table button, main table form').count()).toBe(0);
    expect(await app.page.locator('a[data-bulk], a.action').count()).toBe(0);
    expect(await app.page.content()).not.toContain(SECRET_ARGUMENT);
    await app.page.goto(`${app.base}/admin/jobs/${failedId}`);
    expect(await app.page.locator('pre.arguments').count()).toBe(0);
    expect(await app.page.locator('.hidden-args').textContent()).toBe(
      'Arguments are visible to admins only.',
    );
    expect(await app.page.locator('main button, main form').count()).toBe(0);
    expect(await app.page.content()).not.toContain(SECRET_ARGUMENT);
    await fitsBothWidths('/admin/jobs', 'moderator-jobs');
    await fitsBothWidths(`/admin/jobs/${failedId}`, 'moderator-job');
  }, 60_000);
});
