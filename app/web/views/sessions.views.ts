/** Sign-in and sign-up forms, with the entered name kept and each field's error beside it. */
import { csrfField, field } from './forms';
import { html } from './html';
import type { PageView } from './render';

export interface FormState {
  values?: { name?: string };
  errors?: Record<string, string>;
  next?: string;
}

export function loginPage(state: FormState = {}): PageView {
  return (ctx) => ({
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
${state.errors?.base ? html`<p class="errors" role="alert">${state.errors.base}</p>` : ''}
<form method="post" action="/login">${csrfField(ctx)}
${state.next ? html`<input type="hidden" name="next" value="${state.next}">` : ''}
${field('name', 'Name', state.values?.name, state.errors)}
${field('password', 'Password', undefined, state.errors, 'password')}
<p><button type="submit">Sign in</button></p>
</form>
<p>No account? <a href="/signup">Sign up</a>.</p>`,
  });
}

export function signupPage(state: FormState = {}): PageView {
  return (ctx) => ({
    title: 'Sign up',
    body: html`<h1>Sign up</h1>
<form method="post" action="/signup">${csrfField(ctx)}
${field('name', 'Name', state.values?.name, state.errors)}
${field('password', 'Password (8 characters or more)', undefined, state.errors, 'password')}
<p><button type="submit">Create account</button></p>
</form>`,
  });
}
