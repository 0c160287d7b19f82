/** A user's favorites, and the favorite / unfavorite button on a post's page. */
import { postButton } from './forms';
import { html, type SafeHtml } from './html';
import { pager } from './pager';
import { time } from './time';
import type { PageView, ViewContext } from './render';

export function favoriteButton(
  ctx: ViewContext,
  post: { id: number; favCount: number },
  favorited: boolean,
): SafeHtml {
  return html`<p class="favorite" data-favorited="${favorited ? 'yes' : 'no'}">Favorites: <span data-fav-count>${post.favCount}</span>
${ctx.user ? (favorited ? postButton(ctx, `/favorites/${post.id}/delete`, 'Unfavorite') : postButton(ctx, '/favorites', 'Favorite', { postId: String(post.id) }, 'primary')) : ''}</p>`;
}

export interface FavoritesPageData {
  user: { id: number; name: string };
  posts: Array<{ id: number; score: number; favCount: number; tagString: string; favoritedAt: Date }>;
  total: number;
  page: number;
  perPage: number;
}

export function favoritesPage(data: FavoritesPageData): PageView {
  return {
    title: `Favorites of ${data.user.name}`,
    body: html`<p><a href="/users/${data.user.id}">← ${data.user.name}</a></p>
<h1>Favorites of ${data.user.name}</h1>
<table class="favorites"><thead><tr><th>Post</th><th>Tags</th><th>Score</th><th>Favorites</th><th>Favorited</th></tr></thead><tbody>
${data.posts.map(
  (p) =>
    html`<tr data-post-id="${p.id}"><td><a href="/posts/${p.id}">#${p.id}</a></td><td>${p.tagString}</td><td class="num">${p.score}</td><td class="num">${p.favCount}</td><td>${time(p.favoritedAt)}</td></tr>`,
)}
</tbody></table>
${data.posts.length === 0 ? html`<p><em>No favorites.</em></p>` : ''}
${pager(`/users/${data.user.id}/favorites`, {}, data, 'favorites')}`,
  };
}
