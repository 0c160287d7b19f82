/**
 * The upload walk-through in a real browser, against real processes: bin/web (event bus
 * subscribed) and bin/worker on this file's Redis prefix, the worker's test database and a storage
 * root of the file's own, driven by playwright-core in Debian's chromium. Screenshots of each step
 * go to tmp/screenshots/upload-*.png.
 *
 *   1. a member uploads a PNG with tags; the upload page says pending (no worker yet), and once a
 *      worker starts it turns completed without a reload (Server-Sent Events) and links the post;
 *   2. the post page shows the image and the tags grouped by category;
 *   3. the post is found by a tag search, by a search through an alias, and in the grid's thumbnails;
 *   4. editing the post's tags into an alias and an implication stores the alias's target and the
 *      implied tag (Danbooru's tag rules);
 *   5. on a 375 px phone the post page shows the image first, across the screen, and the grid two
 *      thumbnails a row;
 *   6. a corrupt file ends its upload in error with the reason, shown live.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageBytes } from '../../support/images';
import { startWorker, type WorkerHandle } from '../../runtime/support';
import { waitUntil } from '../../support/wait';
import { createImplications } from '../../support/tag-fixtures';
import { screenshot, useBrowserApp } from './browser-support';

describe('uploading an image in a real browser', () => {
  const storageRoot = mkdtempSync(join(tmpdir(), 'backlot-browser-storage-'));
  const app = useBrowserApp('web-browser-upload', {
    users: { uploader: 'member' },
    seed: async (db) => {
      await db.tagAlias.create({
        data: { antecedentName: 'kitty', consequentName: 'cat', status: 'active' },
      });
    },
    env: { STORAGE_ROOT: storageRoot },
  });
  const { db, env } = app;
  let worker: WorkerHandle | undefined;
  let postUrl = '';
  const consoleErrors: string[] = [];
  const failedResponses: string[] = [];

  beforeAll(() => {
    app.page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        consoleErrors.push(message.text());
    });
    app.page.on('response', (response) => {
      // The browser asks for /favicon.ico by itself; the app has none.
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
        failedResponses.push(`${response.status()} ${response.url()}`);
    });
  });

  afterAll(() => rmSync(storageRoot, { recursive: true, force: true }));

  /** The image's natural width once it has loaded (0 before; a broken image stays 0). */
  function loadedWidth(image: Locator): Promise<number> {
    return image.evaluate((el) => {
      const img = el as unknown as { complete: boolean; naturalWidth: number };
      return img.complete ? img.naturalWidth : 0;
    });
  }

  async function upload(
    file: { name: string; mimeType: string; buffer: Buffer },
    tags: string,
  ): Promise<number> {
    await app.page.goto(`${app.base}/uploads/new`);
    await app.page.setInputFiles('#file', file);
    await app.page.fill('#tagString', tags);
    await Promise.all([
      app.page.waitForURL(/\/uploads\/\d+$/),
      app.page.click('main form button[type=submit]'),
    ]);
    return Number(/\/uploads\/(\d+)$/.exec(app.page.url())?.[1]);
  }

  it('uploads an image, watches it processed live, and finds it by tag, by alias and in the grid', async () => {
    await app.signIn('uploader');

    const png = await imageBytes({ width: 900, height: 600, color: '#e07a5f' });
    const uploadId = await upload(
      { name: 'sunset.png', mimeType: 'image/png', buffer: png },
      'cat sunset_orange',
    );
    await app.page.waitForSelector('[data-live-status][data-state="open"]', { timeout: 10_000 });
    expect(await app.page.locator('[data-upload-status]').textContent()).toBe('pending');
    await screenshot(app.page, 'upload-01-pending-no-worker');

    worker = startWorker(['--pool=default:2'], env);
    await worker.started();
    await app.page.waitForSelector('[data-upload-status]:has-text("completed")', { timeout: 30_000 });
    const link = app.page.locator('a[data-post-link]');
    await screenshot(app.page, 'upload-02-processed-live');
    const postPath = await link.getAttribute('href');
    expect(postPath).toMatch(/^\/posts\/\d+$/);
    const stored = await db.upload.findUniqueOrThrow({ where: { id: uploadId } });
    expect(stored.status).toBe('completed');

    await Promise.all([app.page.waitForURL(`${app.base}${postPath}`), link.click()]);
    const image = app.page.locator('img[data-post-image]');
    await image.waitFor();
    await waitUntil('the post image is loaded', () => loadedWidth(image));
    expect(await app.page.locator('.tag-group.tag-general a').allTextContents()).toEqual([
      'cat',
      'sunset_orange',
    ]);
    await screenshot(app.page, 'upload-03-post-page');

    for (const query of ['cat', 'kitty', 'sunset_* -dog']) {
      await app.page.goto(`${app.base}/posts`);
      await app.page.fill('input[name=tags]', query);
      await Promise.all([app.page.waitForURL(/\/posts\?tags=/), app.page.click('form.search button')]);
      const thumb = app.page.locator(`ul.post-grid a[href="${postPath}"] img`);
      expect(await thumb.count(), query).toBe(1);
      await waitUntil(`the thumbnail for ${query} is loaded`, () => loadedWidth(thumb));
    }
    await screenshot(app.page, 'upload-04-found-by-search');
    await app.page.goto(`${app.base}/posts?tags=kitty`);
    expect(await app.page.locator('input[name=tags]').inputValue()).toBe('kitty');
    await screenshot(app.page, 'upload-05-found-through-alias');
    await app.page.goto(`${app.base}/posts?tags=-cat`);
    expect(await app.page.locator(`ul.post-grid a[href="${postPath}"]`).count()).toBe(0);
    postUrl = `${app.base}${postPath}`;
  }, 120_000);

  it("edits the post's tags into an alias and an implication: the alias's target and the implied tag are stored", async () => {
    await createImplications(db, [['sunset_orange', 'sunset']]);
    await app.page.goto(`${postUrl}/edit`);
    await app.page.fill('#tagString', 'kitty sunset_orange');
    await screenshot(app.page, 'upload-06-edit-into-alias-and-implication');
    await Promise.all([app.page.waitForURL(postUrl), app.page.click('main form button[type=submit]')]);

    expect(await app.page.locator('.tag-group.tag-general a').allTextContents()).toEqual([
      'cat',
      'sunset',
      'sunset_orange',
    ]);
    await screenshot(app.page, 'upload-07-tags-after-alias-and-implication');
    await app.page.goto(`${app.base}/posts?tags=sunset`);
    expect(await app.page.locator(`ul.post-grid a[href="${new URL(postUrl).pathname}"]`).count()).toBe(1);
  }, 60_000);

  it('on a 375 px phone shows the post image first across the screen, and the grid two thumbnails a row', async () => {
    await app.page.setViewportSize({ width: 375, height: 800 });
    try {
      await app.page.goto(postUrl);
      const image = app.page.locator('img[data-post-image]');
      await waitUntil('the post image is loaded', () => loadedWidth(image));
      const imageBox = await image.boundingBox();
      const tagsBox = await app.page.locator('.post-layout aside h2').first().boundingBox();
      expect(imageBox && tagsBox && imageBox.y + imageBox.height <= tagsBox.y).toBe(true);
      expect(imageBox?.width).toBeGreaterThanOrEqual(330);
      expect(await app.page.locator('.post-layout time').first().textContent()).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
      );
      await screenshot(app.page, 'upload-08-post-page-375');

      await app.page.goto(`${app.base}/posts`);
      const columns = await app.page.evaluate<number>(
        "getComputedStyle(document.querySelector('ul.post-grid')).gridTemplateColumns.split(' ').length",
      );
      expect(columns).toBe(2);
      await screenshot(app.page, 'upload-09-grid-375');
    } finally {
      await app.page.setViewportSize({ width: 1280, height: 900 });
    }
  }, 60_000);

  it('ends a corrupt file in error with the reason, shown live', async () => {
    await upload(
      { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG at all') },
      'broken',
    );
    await app.page.waitForSelector('[data-upload-status]:has-text("error")', { timeout: 30_000 });
    expect(await app.page.locator('.upload-status .errors').textContent()).toMatch(/^not an image: /);
    await screenshot(app.page, 'upload-10-corrupt-file-error');
    expect(consoleErrors).toEqual([]);
    expect(failedResponses).toEqual([]);
  }, 60_000);
});
