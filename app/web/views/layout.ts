/**
 * The page frame: head, navigation (admin link for moderators and admins), the signed-in user
 * with a sign-out button, flash messages, then the view's body. A page that follows topics live
 * gets them in body[data-live-topics] and loads /assets/live.js (a same-origin script, so the
 * pages' CSP stays free of inline script).
 */
import { atLeast } from '../auth/levels';
import type { FlashMessage } from '../middleware/session';
import { postButton } from './forms';
import { html, type SafeHtml } from './html';
import type { Page, ViewContext } from './render';

export function layout(ctx: ViewContext, page: Page, flash: FlashMessage[]): SafeHtml {
  const user = ctx.user;
  const live = ctx.live && page.live && page.live.length > 0 ? page.live.join(',') : undefined;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Backlot</title>
<link rel="icon" type="image/svg+xml" href="/favicon.svg">
<link rel="stylesheet" href="/assets/app.css">
${live ? html`<script src="/assets/live.js" defer></script>` : ''}
</head>
<body${live ? html` data-live-topics="${live}"` : ''}>
<header class="top">
<nav>
<a href="/" class="brand">Backlot</a>
<a href="/posts">Posts</a>
${user ? html`<a href="/uploads/new">Upload</a>` : ''}
<a href="/tags">Tags</a>
<a href="/tag_aliases">Aliases</a>
<a href="/tag_implications">Implications</a>
<a href="/bulk_update_requests">BURs</a>
<a href="/users">Users</a>
${atLeast(user?.level, 'moderator') ? html`<a href="/admin/jobs">Jobs</a>` : ''}
</nav>
<div class="account">
${live ? html`<span class="live-status" data-live-status>offline</span>` : ''}
${
  user
    ? html`<a href="/users/${user.id}">${user.name}</a> <span class="level">${user.level}</span> ${postButton(ctx, '/logout', 'Sign out', {}, 'link')}`
    : html`<a href="/login">Sign in</a> <a href="/signup">Sign up</a>`
}
</div>
</header>
<main>
${flash.map((m) => html`<p class="flash ${m.kind}" role="status">${m.text}</p>`)}
${page.body}
</main>
</body>
</html>`;
}
