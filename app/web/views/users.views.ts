/** User pages: the list, one user's profile with their recent posts, and the admin's delete confirmation. */
import { isAdmin } from '../middleware/require-level';
import { csrfField } from './forms';
import { html } from './html';
import { pager } from './pager';
import type { PageView } from './render';
import { postGrid, type GridPost } from './post-grid';
import { time } from './time';

export interface UserRow {
  id: number;
  name: string;
  level: string;
  createdAt: Date;
  postCount: number;
  favoriteCount: number;
  deleted: boolean;
}

function deletedBadge(user: { deleted: boolean }) {
  return user.deleted ? html` <span class="badge badge-deleted">deleted</span>` : '';
}

export function usersPage(data: {
  users: UserRow[];
  page: number;
  perPage: number;
  total: number;
}): PageView {
  return {
    title: 'Users',
    body: html`<h1>Users</h1>
<table><thead><tr><th>Name</th><th>Level</th><th>Posts</th><th>Favorites</th><th>Joined</th></tr></thead><tbody>
${data.users.map(
  (u) =>
    html`<tr data-user-id="${u.id}"><td><a href="/users/${u.id}">${u.name}</a>${deletedBadge(u)}</td><td>${u.level}</td><td class="num">${u.postCount}</td><td class="num">${u.favoriteCount}</td><td>${time(u.createdAt)}</td></tr>`,
)}
</tbody></table>
${pager('/users', {}, data, ['user'])}`,
  };
}

export function userPage(user: UserRow & { posts: readonly GridPost[] }): PageView {
  return (ctx) => ({
    title: user.name,
    body: html`<h1>${user.name}${deletedBadge(user)}</h1>
<dl><dt>Level</dt><dd>${user.level}</dd><dt>Joined</dt><dd>${time(user.createdAt)}</dd><dt>Posts</dt><dd>${user.postCount}</dd>
<dt>Favorites</dt><dd><a href="/users/${user.id}/favorites">${user.favoriteCount}</a></dd></dl>
${
  isAdmin(ctx.user) && user.level !== 'admin'
    ? html`<p class="admin-actions"><a class="action danger" href="/users/${user.id}/delete/confirm">${user.deleted ? 'Delete again (re-run the cleanup)' : 'Delete account'}</a></p>`
    : ''
}
<h2>Recent posts</h2>
${postGrid(user.posts, 'No posts.')}
${ctx.user?.id === user.id && user.posts.length === 0 ? html`<p><a href="/uploads/new">Upload your first image</a></p>` : ''}`,
  });
}

/** The confirmation overlay before deleting an account; the form posts confirmed=yes. */
export function deleteUserConfirmPage(user: {
  id: number;
  name: string;
  favoriteCount: number;
  postCount: number;
}): PageView {
  return (ctx) => ({
    title: `Delete ${user.name}?`,
    body: html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
<div class="dialog">
<h2 id="confirm-title">Delete the account ${user.name}?</h2>
<p>The account can no longer sign in; its password and mail address are removed now, and a job removes its ${user.favoriteCount} favorites. Its requests stay.</p>
<form method="post" action="/users/${user.id}/delete">${csrfField(ctx)}<input type="hidden" name="confirmed" value="yes">
<p><label><input type="checkbox" name="content" value="yes"> Also delete the ${user.postCount} posts and the uploads of ${user.name}</label></p>
<div class="actions"><a href="/users/${user.id}">Keep it</a><button type="submit" class="danger">Delete</button></div>
</form>
</div>
</div>`,
  });
}
