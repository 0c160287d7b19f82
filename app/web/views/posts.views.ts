/** Post pages: the list, one post, and the tag editor. Every value from the database is escaped. */
import type { PostWithTags } from '../services/posts.service';
import { favoriteButton } from './favorites.views';
import { atLeast } from '../auth/levels';
import { csrfField } from './forms';
import { html } from './html';
import type { PageView } from './render';
import { tagSearchPath } from './tags.views';

export type PostView = PostWithTags;

function tagList(tags: readonly string[]) {
  return tags.length === 0
    ? html`<em>no tags</em>`
    : html`<ul class="tags">${tags.map((t) => html`<li><a href="${tagSearchPath(t)}">${t}</a></li>`)}</ul>`;
}

function uploader(post: PostView) {
  return post.uploader
    ? html`<a href="/users/${post.uploader.id}">${post.uploader.name}</a>`
    : html`<em>none</em>`;
}

export function postsPage(data: {
  posts: PostView[];
  page: number;
  perPage: number;
  total: number;
}): PageView {
  const pages = Math.max(1, Math.ceil(data.total / data.perPage));
  return {
    title: 'Posts',
    body: html`<h1>Posts</h1>
<table><thead><tr><th>#</th><th>Tags</th><th>Score</th><th>Uploader</th><th>Created</th></tr></thead><tbody>
${data.posts.map(
  (p) =>
    html`<tr><td><a href="/posts/${p.id}">${p.id}</a>${p.deletionRequestedAt ? html` <span class="badge badge-deleted">being deleted</span>` : ''}</td><td>${p.tagString}</td><td class="num">${p.score}</td><td>${uploader(p)}</td><td>${p.createdAt.toISOString()}</td></tr>`,
)}
</tbody></table>
<p class="pager">Page ${data.page} of ${pages} (${data.total} posts)
${data.page > 1 ? html` <a href="/posts?page=${data.page - 1}" rel="prev">Previous</a>` : ''}
${data.page < pages ? html` <a href="/posts?page=${data.page + 1}" rel="next">Next</a>` : ''}</p>`,
  };
}

export function postPage(post: PostView, favorited = false): PageView {
  return (ctx) => ({
    title: `Post #${post.id}`,
    body: html`<h1>Post #${post.id}${post.deletionRequestedAt ? html` <span class="badge badge-deleted">being deleted</span>` : ''}</h1>
<dl><dt>MD5</dt><dd><code>${post.md5 ?? ''}</code></dd><dt>Score</dt><dd>${post.score}</dd>
<dt>Uploader</dt><dd>${uploader(post)}</dd><dt>Created</dt><dd>${post.createdAt.toISOString()}</dd>
<dt>Updated</dt><dd>${post.updatedAt.toISOString()}</dd></dl>
${favoriteButton(ctx, post, favorited)}
<h2>Tags</h2>${tagList(post.tags)}
${ctx.user && !post.deletionRequestedAt ? html`<p><a href="/posts/${post.id}/edit">Edit tags</a></p>` : ''}
${
  atLeast(ctx.user?.level, 'moderator') && !post.deletionRequestedAt
    ? html`<p class="admin-actions"><a class="action danger" href="/posts/${post.id}/delete/confirm">Delete post</a></p>`
    : ''
}`,
  });
}

export function editPostPage(
  post: PostView,
  state: { tagString?: string; errors?: Record<string, string> } = {},
): PageView {
  return (ctx) => ({
    title: `Edit post #${post.id}`,
    body: html`<h1>Edit tags of post #${post.id}</h1>
<form method="post" action="/posts/${post.id}/tags">${csrfField(ctx)}
<p class="field${state.errors?.tagString ? ' has-error' : ''}"><label for="tagString">Tags (separated by spaces)</label>
<textarea id="tagString" name="tagString" rows="4">${state.tagString ?? post.tagString}</textarea>
${state.errors?.tagString ? html`<span class="error">${state.errors.tagString}</span>` : ''}</p>
<p><button type="submit">Save</button> <a href="/posts/${post.id}">Cancel</a></p>
</form>`,
  });
}

/** The confirmation overlay before a moderator deletes a post; the form posts confirmed=yes. */
export function deletePostConfirmPage(post: PostView): PageView {
  return (ctx) => ({
    title: `Delete post #${post.id}?`,
    body: html`<div class="overlay" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
<div class="dialog">
<h2 id="confirm-title">Delete post #${post.id}?</h2>
<p>The post is marked now and removed with its files, tags and favorites (${post.favCount}) shortly after.</p>
<form method="post" action="/posts/${post.id}/delete">${csrfField(ctx)}<input type="hidden" name="confirmed" value="yes">
<div class="actions"><a href="/posts/${post.id}">Keep it</a><button type="submit" class="danger">Delete</button></div>
</form>
</div>
</div>`,
  });
}
