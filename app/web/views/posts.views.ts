/**
 * Post pages: the thumbnail grid with the search box and pager, one post (its image, its tags
 * grouped and coloured by category, each linking to its search), and the tag editor. Every value
 * from the database is escaped.
 */
import type { TagCategory } from '../../db/generated/enums';
import type { PostTagDetail } from '../../db/post.repository';
import type { PostsPage, PostWithTags } from '../services/posts.service';
import { RATING_NAMES } from '../services/uploads.service';
import { favoriteButton } from './favorites.views';
import { atLeast } from '../auth/levels';
import { csrfField } from './forms';
import { html, type SafeHtml } from './html';
import type { PageView } from './render';
import { counted } from './counted';
import { pageHref } from './pager';
import { postGrid } from './post-grid';
import { time } from './time';

export type PostView = PostWithTags;

/** The search page for a query: /posts?tags=... */
export function postSearchPath(tags: string): string {
  return `/posts?${new URLSearchParams({ tags }).toString()}`;
}

/** Danbooru's order of tag groups on a post page. */
const CATEGORY_ORDER: readonly TagCategory[] = ['artist', 'copyright', 'character', 'general', 'meta'];
const CATEGORY_TITLES: Readonly<Record<TagCategory, string>> = {
  artist: 'Artist',
  copyright: 'Copyright',
  character: 'Character',
  general: 'General',
  meta: 'Meta',
};

function tagGroups(tags: readonly PostTagDetail[]) {
  if (tags.length === 0) return html`<p><em>no tags</em></p>`;
  return CATEGORY_ORDER.map((category) => {
    const group = tags.filter((t) => t.category === category);
    if (group.length === 0) return '';
    return html`<section class="tag-group tag-${category}" data-category="${category}"><h3>${CATEGORY_TITLES[category]}</h3>
<ul>${group.map((t) => html`<li><a href="${postSearchPath(t.name)}">${t.name}</a><span class="count">${t.postCount}</span></li>`)}</ul></section>`;
  });
}

function uploader(post: PostView) {
  return post.uploader
    ? html`<a href="/users/${post.uploader.id}">${post.uploader.name}</a>`
    : html`<em>none</em>`;
}

export function postsPage(data: PostsPage, errors: Record<string, string> = {}): PageView {
  const pages = Math.max(1, Math.ceil(data.total / data.perPage));
  const hasNext = data.totalIsExact ? data.page < pages : data.posts.length === data.perPage;
  const params = data.tags ? { tags: data.tags } : {};
  return {
    title: data.tags ? `${data.tags} · Posts` : 'Posts',
    body: html`<h1>Posts</h1>
<form method="get" action="/posts" class="search" role="search"><input name="tags" value="${data.tags}" aria-label="Search tags" placeholder="1girl -smile ~cat ~dog long_* rating:g order:score"><button type="submit">Search</button></form>
${errors.tags ? html`<p class="errors" role="alert">${errors.tags}</p>` : searchResults(data, pages, hasNext, params)}`,
  };
}

/** The grid and its pager, for a search that ran (one it refused shows only the reason). */
function searchResults(
  data: PostsPage,
  pages: number,
  hasNext: boolean,
  params: { tags?: string },
): SafeHtml {
  return html`${postGrid(data.posts, 'No posts found.')}
<p class="pager">Page ${data.page}${data.totalIsExact ? html` of ${pages}` : ''} (${data.totalIsExact ? counted(data.total, 'post') : `${data.total}+ posts`})
${data.page > 1 ? html` <a href="${pageHref('/posts', params, data.page - 1)}" rel="prev">Previous</a>` : ''}
${hasNext ? html` <a href="${pageHref('/posts', params, data.page + 1)}" rel="next">Next</a>` : ''}</p>`;
}

export function postPage(post: PostView, tags: readonly PostTagDetail[], favorited = false): PageView {
  return (ctx) => ({
    title: `Post #${post.id}`,
    body: html`<h1>Post #${post.id}${post.deletionRequestedAt ? html` <span class="badge badge-deleted">being deleted</span>` : ''}</h1>
<div class="post-layout">
<aside>
<h2>Tags</h2>${tagGroups(tags)}
<h2>Information</h2>
<dl><dt>Rating</dt><dd>${RATING_NAMES[post.rating]} (${post.rating})</dd><dt>Score</dt><dd>${post.score}</dd>
${post.imageWidth && post.imageHeight ? html`<dt>Size</dt><dd>${post.imageWidth}×${post.imageHeight}${post.fileSize ? html` (${Math.ceil(post.fileSize / 1024)} KB ${post.fileExt ?? ''})` : ''}</dd>` : ''}
<dt>MD5</dt><dd><code>${post.md5 ?? ''}</code></dd>
<dt>Uploader</dt><dd>${uploader(post)}</dd><dt>Created</dt><dd>${time(post.createdAt)}</dd>
<dt>Updated</dt><dd>${time(post.updatedAt)}</dd></dl>
${favoriteButton(ctx, post, favorited, !post.deletionRequestedAt)}
${ctx.user && !post.deletionRequestedAt ? html`<p><a href="/posts/${post.id}/edit">Edit tags</a></p>` : ''}
${
  atLeast(ctx.user?.level, 'moderator') && !post.deletionRequestedAt
    ? html`<p class="admin-actions"><a class="action danger" href="/posts/${post.id}/delete/confirm">Delete post</a></p>`
    : ''
}
</aside>
<section class="image">${
      post.files
        ? html`<a href="${post.files.original}"><img src="${post.files.sample}" alt="${post.tagString}" data-post-image></a>
<p><a href="${post.files.original}">Original image</a></p>`
        : html`<p><em>This post has no image.</em></p>`
    }</section>
</div>`,
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
