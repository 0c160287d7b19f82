/**
 * Deleting from the web: an admin deleting a user (confirmation, marks, enqueues
 * DeleteFavoritesJob, returns; the user is signed out), moderators deleting posts and admins a
 * user's content. Tags and favorites are tags-favorites.test.ts.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { configureBacklot, TestAdapter } from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { createPostsWithTags } from '../services/bulk-update-request/processing-support';
import { createUser, formToken, PASSWORD, signIn, useWebApp } from './support';

describe('deleting a user (admins)', () => {
  const web = useWebApp({}, 'web-user-delete');

  it('asks for confirmation, marks the user, enqueues DeleteFavoritesJob and returns; the user is signed out', async () => {
    const queue = new TestAdapter();
    configureBacklot({ adapter: queue, queues: QUEUE_NAMES });
    const [postId] = await createPostsWithTags(web().db, [['a']]);
    const victim = await createUser(web().db, 'victim', 'member');
    const victimAgent = request.agent(web().app);
    const victimToken = await signIn(victimAgent, victim);
    await victimAgent.post('/api/favorites').set('X-CSRF-Token', victimToken).send({ postId }).expect(201);

    const admin = request.agent(web().app);
    const adminToken = await signIn(admin, await createUser(web().db, 'root', 'admin'));
    const profile = await admin.get(`/users/${victim.id}`).expect(200);
    expect(profile.text).toContain(`href="/users/${victim.id}/delete/confirm"`);
    const unconfirmed = await admin
      .post(`/users/${victim.id}/delete`)
      .type('form')
      .send({ _csrf: adminToken });
    expect(unconfirmed.headers.location).toBe(`/users/${victim.id}/delete/confirm`);
    for (const bad of ['abc', '1.5', '-1', '9999999999999999999']) {
      const refused = await admin.post(`/users/${bad}/delete`).type('form').send({ _csrf: adminToken });
      expect([refused.status, refused.headers.location], bad).toEqual([404, undefined]);
    }
    expect(queue.enqueued).toHaveLength(0);

    const overlay = await admin.get(`/users/${victim.id}/delete/confirm`).expect(200);
    expect(overlay.text).toContain('class="overlay" role="dialog"');
    expect(overlay.text).toContain('removes its 1 favorites');
    const done = await admin
      .post(`/users/${victim.id}/delete`)
      .type('form')
      .send({ _csrf: formToken(overlay.text), confirmed: 'yes' })
      .expect(303);
    expect(done.headers.location).toBe(`/users/${victim.id}`);
    expect(queue.enqueued.map((j) => [j.jobClass, j.queue])).toEqual([['DeleteFavoritesJob', 'default']]);
    const stored = await web().db.user.findUniqueOrThrow({ where: { id: victim.id } });
    expect(stored.deletionRequestedAt).not.toBeNull();
    expect(stored.passwordHash).toBeNull();
    expect(await web().db.favorite.count()).toBe(1); // the job removes them, not the request

    const after = await admin.get(`/users/${victim.id}`).expect(200);
    expect(after.text).toMatch(/victim deleted; DeleteFavoritesJob \(job \S+\) removes their favorites/);
    expect(after.text).toContain('badge-deleted');
    expect((await victimAgent.get('/api/session')).body.user).toBeNull();
    const login = await request
      .agent(web().app)
      .post('/api/session')
      .set('X-CSRF-Token', 'x')
      .send({ name: 'victim', password: PASSWORD });
    expect([401, 403]).toContain(login.status);
  });

  it('JSON: 202 with the job id; refuses without {"confirmed": true}, for non-admins, and for admin accounts', async () => {
    const queue = new TestAdapter();
    configureBacklot({ adapter: queue, queues: QUEUE_NAMES });
    const victim = await createUser(web().db, 'victim2', 'member');
    const otherAdmin = await createUser(web().db, 'root2', 'admin');
    const admin = request.agent(web().app);
    const token = await signIn(admin, await createUser(web().db, 'root', 'admin'));
    const moderator = request.agent(web().app);
    const modToken = await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));

    expect(
      (
        await moderator
          .delete(`/api/users/${victim.id}`)
          .set('X-CSRF-Token', modToken)
          .send({ confirmed: true })
      ).status,
    ).toBe(403);
    expect((await moderator.get(`/users/${victim.id}/delete/confirm`)).status).toBe(403);
    expect((await admin.delete(`/api/users/${victim.id}`).set('X-CSRF-Token', token).send({})).status).toBe(
      422,
    );
    expect(
      (await admin.delete(`/api/users/${otherAdmin.id}`).set('X-CSRF-Token', token).send({ confirmed: true }))
        .status,
    ).toBe(403);
    expect(
      (await admin.delete('/api/users/999').set('X-CSRF-Token', token).send({ confirmed: true })).status,
    ).toBe(404);
    expect(queue.enqueued).toHaveLength(0);

    const res = await admin
      .delete(`/api/users/${victim.id}`)
      .set('X-CSRF-Token', token)
      .send({ confirmed: true });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      id: victim.id,
      marked: true,
      jobId: queue.enqueued[0]?.job.jobId,
      jobClass: 'DeleteFavoritesJob',
    });
  });
});

describe("deleting posts (moderators) and a user's content (admins)", () => {
  const web = useWebApp({}, 'web-post-delete');

  it('marks a post for deletion after a confirmation and returns at once; members are refused', async () => {
    const [postId, other] = await createPostsWithTags(web().db, [['a'], ['b']]);
    const member = request.agent(web().app);
    const memberToken = await signIn(member, await createUser(web().db, 'member', 'member'));
    expect((await member.get(`/posts/${postId}/delete/confirm`)).status).toBe(403);
    expect(
      (
        await member
          .post(`/posts/${postId}/delete`)
          .type('form')
          .send({ _csrf: memberToken, confirmed: 'yes' })
      ).status,
    ).toBe(403);
    expect((await member.get(`/posts/${postId}`)).text).not.toContain('/delete/confirm');

    const moderator = request.agent(web().app);
    const token = await signIn(moderator, await createUser(web().db, 'mod', 'moderator'));
    const page = await moderator.get(`/posts/${postId}`).expect(200);
    expect(page.text).toContain(`href="/posts/${postId}/delete/confirm"`);
    const unconfirmed = await moderator.post(`/posts/${postId}/delete`).type('form').send({ _csrf: token });
    expect(unconfirmed.headers.location).toBe(`/posts/${postId}/delete/confirm`);
    for (const bad of ['abc', '1.5', '-1', '9999999999999999999']) {
      const refused = await moderator.post(`/posts/${bad}/delete`).type('form').send({ _csrf: token });
      expect([refused.status, refused.headers.location], bad).toEqual([404, undefined]);
    }
    const overlay = await moderator.get(`/posts/${postId}/delete/confirm`).expect(200);
    expect(overlay.text).toContain('class="overlay" role="dialog"');
    await moderator
      .post(`/posts/${postId}/delete`)
      .type('form')
      .send({ _csrf: formToken(overlay.text), confirmed: 'yes' })
      .expect(303);
    const stored = await web().db.post.findUniqueOrThrow({ where: { id: postId ?? 0 } });
    expect(stored.deletionRequestedAt).not.toBeNull();
    const after = await moderator.get(`/posts/${postId}`).expect(200);
    expect(after.text).toContain(`Post #${postId} is being deleted`);
    expect(after.text).toContain('being deleted</span></h1>');
    expect(after.text).not.toContain('Edit tags');
    expect(
      (await moderator.patch(`/api/posts/${postId}`).set('X-CSRF-Token', token).send({ tagString: 'x' }))
        .status,
    ).toBe(409);

    expect((await moderator.delete(`/api/posts/${other}`).set('X-CSRF-Token', token).send({})).status).toBe(
      422,
    );
    const api = await moderator
      .delete(`/api/posts/${other}`)
      .set('X-CSRF-Token', token)
      .send({ confirmed: true });
    expect(api.status).toBe(202);
    expect(api.body).toMatchObject({ id: other, marked: true });
    expect(
      (await moderator.delete('/api/posts/999').set('X-CSRF-Token', token).send({ confirmed: true })).status,
    ).toBe(404);
  });

  it('with "also delete their posts and uploads" marks the user\'s posts too', async () => {
    const queue = new TestAdapter();
    configureBacklot({ adapter: queue, queues: QUEUE_NAMES });
    const victim = await createUser(web().db, 'uploader', 'member');
    const [mine] = await createPostsWithTags(web().db, [['a'], ['b']]);
    await web().db.post.update({ where: { id: mine ?? 0 }, data: { uploaderId: victim.id } });
    const admin = request.agent(web().app);
    await signIn(admin, await createUser(web().db, 'root', 'admin'));
    const overlay = await admin.get(`/users/${victim.id}/delete/confirm`).expect(200);
    expect(overlay.text).toContain('name="content" value="yes"');
    await admin
      .post(`/users/${victim.id}/delete`)
      .type('form')
      .send({ _csrf: formToken(overlay.text), confirmed: 'yes', content: 'yes' })
      .expect(303);
    const marked = await web().db.post.findMany({
      where: { deletionRequestedAt: { not: null } },
      select: { id: true },
    });
    expect(marked.map((p) => p.id)).toEqual([mine]);
    expect((await admin.get(`/users/${victim.id}`)).text).toContain(
      '1 posts and 0 uploads marked for deletion',
    );
    expect(queue.enqueued.map((j) => j.jobClass)).toEqual(['DeleteFavoritesJob']);
  });
});
