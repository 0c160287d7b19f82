/** A user's favorites as a grid of thumbnails, newest favorite first, and the favorite / unfavorite button on a post's page (only the count on a post being deleted). */
import { postButton } from './forms';
import { html, type SafeHtml } from './html';
import { pager } from './pager';
import { postGrid, type GridPost } from './post-grid';
import type { PageView, ViewContext } from './render';

export function favoriteButton(
  ctx: ViewContext,
  post: { id: number; favCount: number },
  favorited: boolean,
  open = true,
): SafeHtml {
  return html`<p class="favorite" data-favorited="${favorited ? 'yes' : 'no'}">Favorites: <span data-fav-count>${post.favCount}</span>
${ctx.user && open ? (favorited ? postButton(ctx, `/favorites/${post.id}/delete`, 'Unfavorite') : postButton(ctx, '/favorites', 'Favorite', { postId: String(post.id) }, 'primary')) : ''}</p>`;
}

export interface FavoritesPageData {
  user: { id: number; name: string };
  /** Newest favorite first. */
  posts: ReadonlyArray<GridPost & { favoritedAt: Date }>;
  total: number;
  page: number;
  perPage: number;
}

export function favoritesPage(data: FavoritesPageData): PageView {
  return {
    title: `Favorites of ${data.user.name}`,
    body: html`<p><a href="/users/${data.user.id}">← ${data.user.name}</a></p>
<h1>Favorites of ${data.user.name}</h1>
${postGrid(data.posts, 'No favorites.')}
${pager(`/users/${data.user.id}/favorites`, {}, data, ['favorite'])}`,
  };
}
