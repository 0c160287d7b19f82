/** Tag pages: the search and one tag with its aliases, implications and recent posts. Every name is escaped. */
import type { TagCategory, TagRelationshipStatus } from '../../db/generated/enums';
import { TAG_CATEGORIES } from '../../services/bulk-update-request/index';
import { TAG_ORDERS, type TagOrder, type TagRow } from '../services/tags.service';
import { counted } from './counted';
import { html } from './html';
import { postSearchPath } from './posts.views';
import { options, pager } from './pager';
import { postGrid, type GridPost } from './post-grid';
import { time } from './time';
import type { PageView } from './render';

export function tagPath(tag: { id: number }): string {
  return `/tags/${tag.id}`;
}

/** The tag search for one exact name (names may be all digits, so /tags/:id cannot take them). */
export function tagSearchPath(name: string): string {
  return `/tags?${new URLSearchParams({ name }).toString()}`;
}

function tagLink(tag: TagRow) {
  return html`<a href="${tagPath(tag)}" class="tag tag-${tag.category}">${tag.name}</a>`;
}

export interface TagsPageData {
  tags: TagRow[];
  total: number;
  page: number;
  perPage: number;
  search: { name?: string; category?: TagCategory; order: TagOrder; hideEmpty: boolean };
}

export function tagsPage(data: TagsPageData): PageView {
  const s = data.search;
  return {
    title: 'Tags',
    body: html`<h1>Tags</h1>
<form method="get" action="/tags" class="filters">
<label>Name <input type="search" name="name" value="${s.name ?? ''}" placeholder="long_hair or *_hair"></label>
<label>Category <select name="category">${options(TAG_CATEGORIES, s.category)}</select></label>
<label>Order <select name="order">${TAG_ORDERS.map((o) => html`<option value="${o}"${s.order === o ? html` selected` : ''}>${o}</option>`)}</select></label>
<label><input type="checkbox" name="hideEmpty" value="1"${s.hideEmpty ? html` checked` : ''}> Hide empty</label>
<button type="submit">Search</button>
</form>
<table class="tags"><thead><tr><th>Name</th><th>Category</th><th>Posts</th><th>Created</th></tr></thead><tbody>
${data.tags.map(
  (t) =>
    html`<tr data-tag-id="${t.id}"><td>${tagLink(t)}${t.isDeprecated ? html` <span class="badge">deprecated</span>` : ''}</td><td>${t.category}</td><td class="num">${t.postCount}</td><td>${time(t.createdAt)}</td></tr>`,
)}
</tbody></table>
${data.tags.length === 0 ? html`<p><em>No tags match.</em></p>` : ''}
${pager('/tags', { name: s.name, category: s.category, order: s.order, hideEmpty: s.hideEmpty ? '1' : undefined }, data, ['tag'])}`,
  };
}

interface Relationship {
  id: number;
  antecedentName: string;
  consequentName: string;
  status: TagRelationshipStatus;
}

function relationshipList(items: Relationship[], arrow: string, empty: string) {
  if (items.length === 0) return html`<p><em>${empty}</em></p>`;
  return html`<ul class="relationships">${items.map(
    (r) =>
      html`<li><a href="${tagSearchPath(r.antecedentName)}">${r.antecedentName}</a> ${arrow} <a href="${tagSearchPath(r.consequentName)}">${r.consequentName}</a> <span class="state state-${r.status}">${r.status}</span></li>`,
  )}</ul>`;
}

export function tagPage(data: {
  tag: TagRow;
  aliases: Relationship[];
  implications: Relationship[];
  posts: readonly GridPost[];
}): PageView {
  const { tag } = data;
  return {
    title: `Tag ${tag.name}`,
    body: html`<p><a href="/tags">← Tags</a></p>
<h1 class="tag-name">${tag.name}</h1>
<dl><dt>Category</dt><dd>${tag.category}</dd><dt>Posts</dt><dd><a href="${postSearchPath(tag.name)}">${tag.postCount}</a></dd>
<dt>Deprecated</dt><dd>${tag.isDeprecated ? 'yes' : 'no'}</dd><dt>Created</dt><dd>${time(tag.createdAt)}</dd></dl>
<h2>Aliases</h2>${relationshipList(data.aliases, '→', 'No aliases.')}
<h2>Implications</h2>${relationshipList(data.implications, '⇒', 'No implications.')}
<h2>Recent posts</h2>${postGrid(data.posts, 'No posts.')}
${tag.postCount > data.posts.length ? html`<p><a href="${postSearchPath(tag.name)}">All ${counted(tag.postCount, 'post')} tagged ${tag.name}</a></p>` : ''}`,
  };
}
