/** The alias and implication lists (Danbooru's /tag_aliases, /tag_implications) with their status. */
import type { TagRelationshipStatus } from '../../db/generated/enums';
import { RELATIONSHIP_STATUSES, type RelationshipKind } from '../services/tag-relationships.service';
import { html } from './html';
import { tagSearchPath } from './tags.views';
import { options, pager } from './pager';
import { time } from './time';
import type { PageView } from './render';

export interface RelationshipRow {
  id: number;
  antecedentName: string;
  consequentName: string;
  status: TagRelationshipStatus;
  createdAt: Date;
  creator: { id: number; name: string } | null;
  approver: { id: number; name: string } | null;
}

export const RELATIONSHIP_PATHS: Record<RelationshipKind, string> = {
  alias: '/tag_aliases',
  implication: '/tag_implications',
};
const TITLES: Record<RelationshipKind, string> = { alias: 'Tag aliases', implication: 'Tag implications' };
const ARROWS: Record<RelationshipKind, string> = { alias: '→', implication: '⇒' };

function userLink(user: { id: number; name: string } | null) {
  return user ? html`<a href="/users/${user.id}">${user.name}</a>` : html``;
}

function tagLink(name: string) {
  return html`<a href="${tagSearchPath(name)}">${name}</a>`;
}

export function relationshipsPage(
  kind: RelationshipKind,
  data: {
    rows: RelationshipRow[];
    total: number;
    page: number;
    perPage: number;
    search: { status?: string; name?: string };
  },
): PageView {
  const path = RELATIONSHIP_PATHS[kind];
  return {
    title: TITLES[kind],
    body: html`<h1>${TITLES[kind]}</h1>
<form method="get" action="${path}" class="filters">
<label>Tag <input type="search" name="name" value="${data.search.name ?? ''}"></label>
<label>Status <select name="status">${options(RELATIONSHIP_STATUSES, data.search.status)}</select></label>
<button type="submit">Search</button>
</form>
<table class="relationships"><thead><tr><th>From</th><th></th><th>To</th><th>Status</th><th>Creator</th><th>Approver</th><th>Created</th></tr></thead><tbody>
${data.rows.map(
  (r) =>
    html`<tr data-id="${r.id}"><td>${tagLink(r.antecedentName)}</td><td>${ARROWS[kind]}</td><td>${tagLink(r.consequentName)}</td><td><span class="state state-${r.status}">${r.status}</span></td><td>${userLink(r.creator)}</td><td>${userLink(r.approver)}</td><td>${time(r.createdAt)}</td></tr>`,
)}
</tbody></table>
${data.rows.length === 0 ? html`<p><em>None match.</em></p>` : ''}
${pager(path, { name: data.search.name, status: data.search.status }, data, kind === 'alias' ? ['alias', 'aliases'] : ['implication'])}`,
  };
}
