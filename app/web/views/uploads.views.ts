/**
 * Upload pages: the form (a file, tags, rating) and one upload, whose status section follows the
 * upload live (/records/Upload/:id: live.js re-fetches /uploads/:id/status on each event) until it
 * links to the post, or says why it failed (a duplicate links to the existing post).
 */
import { UPLOAD_CONTENT_TYPES, UPLOAD_FIELD, UPLOAD_MAX_BYTES } from '../middleware/upload-intake';
import { RATING_NAMES, RATINGS, type UploadView } from '../services/uploads.service';
import { csrfField } from './forms';
import { html, type SafeHtml } from './html';
import type { PageView, ViewContext } from './render';

export interface UploadFormState {
  tagString?: string;
  rating?: string;
  errors?: Record<string, string>;
}

function fieldError(errors: Record<string, string> | undefined, name: string): SafeHtml | string {
  const error = errors?.[name];
  return error ? html`<span class="error">${error}</span>` : '';
}

export function newUploadPage(state: UploadFormState = {}): PageView {
  return (ctx) => ({
    title: 'Upload',
    body: html`<h1>Upload</h1>
${state.errors?.form ? html`<p class="errors" role="alert">${state.errors.form}</p>` : ''}
<form method="post" action="/uploads" enctype="multipart/form-data">${csrfField(ctx)}
<p class="field${state.errors?.[UPLOAD_FIELD] ? ' has-error' : ''}"><label for="file">Image (JPEG, PNG, GIF or WebP, at most ${Math.floor(UPLOAD_MAX_BYTES / 1024 / 1024)} MB)</label>
<input id="file" name="${UPLOAD_FIELD}" type="file" accept="${UPLOAD_CONTENT_TYPES.join(',')}" required>
${fieldError(state.errors, UPLOAD_FIELD)}</p>
<p class="field${state.errors?.tagString ? ' has-error' : ''}"><label for="tagString">Tags (separated by spaces)</label>
<textarea id="tagString" name="tagString" rows="3">${state.tagString ?? ''}</textarea>
${fieldError(state.errors, 'tagString')}</p>
<p class="field${state.errors?.rating ? ' has-error' : ''}"><label for="rating">Rating</label>
<select id="rating" name="rating">${RATINGS.map(
      (r) =>
        html`<option value="${r}"${(state.rating ?? 'g') === r ? html` selected` : ''}>${RATING_NAMES[r]}</option>`,
    )}</select>
${fieldError(state.errors, 'rating')}</p>
<p><button type="submit">Upload</button></p>
</form>`,
  });
}

const STATUS_TEXT: Readonly<Record<string, string>> = {
  pending: 'Waiting for a worker…',
  processing: 'Processing…',
  completed: 'Done',
  error: 'Failed',
  failed: 'Failed',
};

/** The part of an upload's page that live updates replace. */
export function uploadStatusSection(_ctx: ViewContext, upload: UploadView): SafeHtml {
  const done = upload.status === 'completed' && upload.postId !== null;
  const running = upload.status === 'pending' || upload.status === 'processing';
  return html`<section class="upload-status" id="upload-status" data-live-topic="/records/Upload/${upload.id}" data-live-src="/uploads/${upload.id}/status" data-status="${upload.status}"${running ? html` data-live-refresh-on-open` : ''}>
<p>Status: <strong data-upload-status>${upload.status}</strong> · ${STATUS_TEXT[upload.status] ?? upload.status}</p>
${running ? html`<progress aria-label="processing"></progress>` : ''}
${done ? html`<p><a href="/posts/${upload.postId}" data-post-link>Go to post #${upload.postId}</a></p>` : ''}
${upload.errorMessage ? html`<p class="errors" role="alert">${upload.errorMessage}</p>` : ''}
${!done && upload.postId !== null ? html`<p><a href="/posts/${upload.postId}" data-duplicate-link>See post #${upload.postId}</a></p>` : ''}
</section>`;
}

export function uploadPage(upload: UploadView): PageView {
  return (ctx) => ({
    title: `Upload #${upload.id}`,
    live: [`/records/Upload/${upload.id}`],
    body: html`<h1>Upload #${upload.id}</h1>
<dl><dt>Tags</dt><dd>${upload.tagString || html`<em>none</em>`}</dd><dt>Rating</dt><dd>${RATING_NAMES[upload.rating]}</dd></dl>
${uploadStatusSection(ctx, upload)}
<p><a href="/uploads/new">Upload another</a></p>`,
  });
}
