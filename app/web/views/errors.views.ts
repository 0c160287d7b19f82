/** Error pages (403, 404, 422, 429, 500): the status, its message, a way back. */
import { html } from './html';
import type { PageView } from './render';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in first',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  422: 'Invalid input',
  429: 'Too many requests',
};

export function errorPage(status: number, message: string): PageView {
  const title = TITLES[status] ?? (status >= 500 ? 'Server error' : 'Error');
  return (ctx) => ({
    title,
    body: html`<h1>${status} ${title}</h1><p>${message}</p>${
      status === 403 && !ctx.user
        ? html`<p><a href="/login">Sign in</a> with an account that may see this page.</p>`
        : ''
    }<p><a href="/">Home</a></p>`,
  });
}
