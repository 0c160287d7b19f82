/** User pages: the list and one user's profile with their recent posts. */
import { html } from './html';
import type { PageView } from './render';

export interface UserRow {
  id: number;
  name: string;
  level: string;
  createdAt: Date;
  postCount: number;
}

export function usersPage(data: { users: UserRow[]; page: number; perPage: number; total: number }): PageView {
  const pages = Math.max(1, Math.ceil(data.total / data.perPage));
  return {
    title: 'Users',
    body: html`<h1>Users</h1>
<table><thead><tr><th>Name</th><th>Level</th><th>Posts</th><th>Joined</th></tr></thead><tbody>
${data.users.map(
  (u) => html`<tr><td><a href="/users/${u.id}">${u.name}</a></td><td>${u.level}</td><td class="num">${u.postCount}</td><td>${u.createdAt.toISOString()}</td></tr>`,
)}
</tbody></table>
<p class="pager">Page ${data.page} of ${pages}
${data.page > 1 ? html` <a href="/users?page=${data.page - 1}" rel="prev">Previous</a>` : ''}
${data.page < pages ? html` <a href="/users?page=${data.page + 1}" rel="next">Next</a>` : ''}</p>`,
  };
}

export function userPage(user: UserRow & { posts: Array<{ id: number; tagString: string; score: number }> }): PageView {
  return {
    title: user.name,
    body: html`<h1>${user.name}</h1>
<dl><dt>Level</dt><dd>${user.level}</dd><dt>Joined</dt><dd>${user.createdAt.toISOString()}</dd><dt>Posts</dt><dd>${user.postCount}</dd></dl>
<h2>Recent posts</h2>
${
  user.posts.length === 0
    ? html`<p><em>none</em></p>`
    : html`<ul>${user.posts.map((p) => html`<li><a href="/posts/${p.id}">#${p.id}</a> ${p.tagString}</li>`)}</ul>`
}`,
  };
}
