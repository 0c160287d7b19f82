/**
 * Posts as a grid of thumbnails, each linking to its post with "#id · score · rating" under it (and
 * a badge while it is being deleted): the post list, a tag's page, a user's profile and favorites.
 *
 * Example: html`<h2>Recent posts</h2>${postGrid(cards, 'No posts.')}`
 */
import type { PostFileUrls } from '../../services/posts/post-files';
import { html, type SafeHtml } from './html';

export interface GridPost {
  id: number;
  score: number;
  rating: string;
  tagString: string;
  files: PostFileUrls | undefined;
  deletionRequestedAt: Date | null;
}

function thumbnail(post: GridPost): SafeHtml {
  return post.files
    ? html`<img src="${post.files.thumbnail}" alt="${post.tagString}" loading="lazy">`
    : html`<span class="no-image">no image</span>`;
}

/** The grid, or `empty` in a paragraph when there are no posts. */
export function postGrid(posts: readonly GridPost[], empty: string): SafeHtml {
  if (posts.length === 0) return html`<p><em>${empty}</em></p>`;
  return html`<ul class="post-grid">
${posts.map(
  (p) =>
    html`<li data-post-id="${p.id}"><a class="thumb" href="/posts/${p.id}" title="${p.tagString}">${thumbnail(p)}</a><span class="meta">#${p.id} · score ${p.score} · ${p.rating}${p.deletionRequestedAt ? html` <span class="badge badge-deleted">being deleted</span>` : ''}</span></li>`,
)}
</ul>`;
}
