import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { performEnqueuedJobs, useTestAdapter } from '../../app/framework/index';
import { installRecordLocator } from '../../app/db/record-locator';
import { INCOMING_DIR } from '../../app/services/uploads/files';
import { UPLOAD_MAX_BYTES } from '../../app/web/middleware/upload-intake';
import { imageBytes } from '../support/images';
import { waitUntil } from '../support/wait';
import { createUser, formToken, signIn, useWebApp } from './support';

const root = await mkdtemp(join(tmpdir(), 'backlot-web-uploads-'));
const previousRoot = process.env.STORAGE_ROOT;
process.env.STORAGE_ROOT = root; // the job's env() in this file; the app gets it as storageRoot

const incoming = () => (existsSync(join(root, INCOMING_DIR)) ? readdirSync(join(root, INCOMING_DIR)) : []);

describe('uploads through the web', () => {
  const web = useWebApp({ storageRoot: root }, 'web-uploads');
  beforeEach(() => {
    useTestAdapter();
    installRecordLocator(web().db);
  });
  afterAll(async () => {
    if (previousRoot === undefined) delete process.env.STORAGE_ROOT;
    else process.env.STORAGE_ROOT = previousRoot;
    await rm(root, { recursive: true, force: true });
  });

  async function member() {
    const agent = request.agent(web().app);
    const user = await createUser(web().db, `m${Math.random().toString(36).slice(2, 8)}`);
    const token = await signIn(agent, user);
    return { agent, user, token };
  }

  it('takes the form, returns at once to the upload page, and the job makes the post with the tags', async () => {
    const { agent } = await member();
    const form = await agent.get('/uploads/new').expect(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    const png = await imageBytes({ width: 320, height: 200 });

    const res = await agent
      .post('/uploads')
      .field('_csrf', formToken(form.text))
      .field('tagString', 'cat  sky')
      .field('rating', 's')
      .attach('file', png, { filename: 'cat.png', contentType: 'image/png' })
      .expect(303);
    const upload = await web().db.upload.findFirstOrThrow();
    expect(res.headers.location).toBe(`/uploads/${upload.id}`);
    expect(upload).toMatchObject({ status: 'pending', tagString: 'cat sky', rating: 's' });
    expect(incoming()).toHaveLength(1);

    const pending = await agent.get(`/uploads/${upload.id}`).expect(200);
    expect(pending.text).toContain(`data-live-topic="/records/Upload/${upload.id}"`);
    expect(pending.text).toContain('data-upload-status>pending<');

    await performEnqueuedJobs();
    const done = await agent.get(`/uploads/${upload.id}/status`).expect(200);
    const post = await web().db.post.findFirstOrThrow();
    expect(done.text).toContain(`<a href="/posts/${post.id}" data-post-link>`);
    expect(incoming()).toHaveLength(0);

    const page = await request(web().app).get(`/posts/${post.id}`).expect(200);
    expect(page.text).toContain(`<img src="/data/posts/${post.id}/sample.jpg"`);
    const thumb = await request(web().app).get(`/data/posts/${post.id}/thumbnail.webp`).expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    await request(web().app).get(`/data/posts/${post.id}/original.png`).expect(200);
    await request(web().app).get(`/data/posts/${post.id}/../../etc/passwd`).expect(404);
    await request(web().app).get(`/data/posts/${post.id}/secret.txt`).expect(404);
    await request(web().app).get(`/data/posts/999/thumbnail.webp`).expect(404);
  });

  it('answers /api/uploads with 202 and the upload, and /api/uploads/:id with its status', async () => {
    const { agent, token } = await member();
    const res = await agent
      .post('/api/uploads')
      .set('X-CSRF-Token', token)
      .field('tagString', 'dog')
      .attach('file', await imageBytes({ format: 'jpeg', color: '#884400' }), {
        filename: 'dog.jpg',
        contentType: 'image/jpeg',
      })
      .expect(202);
    expect(res.body).toMatchObject({ status: 'pending', tagString: 'dog', rating: 'g', postId: null });
    expect(res.headers.location).toBe(`/api/uploads/${res.body.id}`);
    await performEnqueuedJobs();
    const shown = await agent.get(`/api/uploads/${res.body.id}`).expect(200);
    expect(shown.body).toMatchObject({ status: 'completed', postId: expect.any(Number) });
  });

  it('refuses, each with a clear 4xx, and keeps no file: too large, not an image type, no file, bad or repeated tags, bad rating', async () => {
    const { agent, token } = await member();
    const post = (contentType: string, bytes: Buffer, fields: Record<string, string> = {}) => {
      let req = agent.post('/api/uploads').set('X-CSRF-Token', token);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req.attach('file', bytes, { filename: 'f', contentType });
    };
    const tooBig = await post('image/png', Buffer.alloc(UPLOAD_MAX_BYTES + 1));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({ error: 'the file is larger than 20 MB' });

    const pdf = await post('application/pdf', Buffer.from('%PDF-1.4'));
    expect(pdf.status).toBe(415);
    expect(pdf.body.error).toBe('application/pdf is not taken: upload a JPEG, PNG, GIF or WebP image');

    const none = await agent.post('/api/uploads').set('X-CSRF-Token', token).field('tagString', 'x');
    expect(none.status).toBe(422);
    expect(none.body.fields).toEqual({ file: 'Choose an image file to upload' });

    const badTags = await post('image/png', await imageBytes(), { tagString: 'fine -oops' });
    expect(badTags.status).toBe(422);
    expect(badTags.body.fields.tagString).toMatch(/oops/);

    const badRating = await post('image/png', await imageBytes(), { rating: 'x' });
    expect(badRating.status).toBe(422);
    expect(badRating.body.fields).toEqual({
      rating: 'Rating must be one of g (general), s (sensitive), q (questionable), e (explicit)',
    });

    const twoFiles = await agent
      .post('/api/uploads')
      .set('X-CSRF-Token', token)
      .attach('file', await imageBytes(), { filename: 'a.png', contentType: 'image/png' })
      .attach('file', await imageBytes(), { filename: 'b.png', contentType: 'image/png' });
    expect(twoFiles.status).toBe(422);

    const twoTagStrings = await agent
      .post('/api/uploads')
      .set('X-CSRF-Token', token)
      .field('tagString', 'cat')
      .field('tagString', 'sky')
      .attach('file', await imageBytes(), { filename: 'a.png', contentType: 'image/png' });
    expect([twoTagStrings.status, twoTagStrings.body.fields]).toEqual([
      422,
      { tagString: 'Send the tags once, as one text field (tags separated by spaces)' },
    ]);

    // A refused request's file is removed when its response closes.
    await waitUntil('every refused file is removed', () => incoming().length === 0);
    expect(await web().db.upload.count()).toBe(0);
  });

  it('refuses a form without its CSRF token (403) and removes the file; anonymous visitors must sign in', async () => {
    const { agent } = await member();
    const res = await agent
      .post('/uploads')
      .attach('file', await imageBytes(), { filename: 'a.png', contentType: 'image/png' });
    expect(res.status).toBe(403);
    await waitUntil('the refused file is removed', () => incoming().length === 0);

    const anonymous = await request(web().app)
      .post('/api/uploads')
      .attach('file', await imageBytes(), { filename: 'a.png', contentType: 'image/png' });
    expect(anonymous.status).toBe(401);
    expect((await request(web().app).get('/uploads/new')).status).toBe(303);
  });

  it('shows an upload to its uploader and moderators only, and links a duplicate to the existing post', async () => {
    const owner = await member();
    const bytes = await imageBytes({ color: '#00ffff' });
    const upload = async () =>
      owner.agent
        .post('/api/uploads')
        .set('X-CSRF-Token', owner.token)
        .attach('file', bytes, { filename: 'a.png', contentType: 'image/png' })
        .expect(202);
    await upload();
    await performEnqueuedJobs();
    const second = await upload();
    await performEnqueuedJobs();
    const post = await web().db.post.findFirstOrThrow();
    const page = await owner.agent.get(`/uploads/${second.body.id}`).expect(200);
    expect(page.text).toContain(`Duplicate of post #${post.id}`);
    expect(page.text).toContain(`<a href="/posts/${post.id}" data-duplicate-link>`);

    const other = await member();
    expect((await other.agent.get(`/uploads/${second.body.id}`)).status).toBe(404);
    const moderator = request.agent(web().app);
    await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));
    expect((await moderator.get(`/uploads/${second.body.id}`)).status).toBe(200);
  });
});
