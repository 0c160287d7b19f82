/**
 * The web layer's named errors. Services throw them; middleware/errors.ts turns each into its
 * status (422, 404, 403, 409, 400, 413, 415) as an HTML page or JSON, so controllers need no try/catch.
 *
 * Example: throw new NotFoundError(`no post ${id}`)
 */

/** Input errors by field, shown next to the form fields or returned as JSON with 422. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly status = 422;
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields).join('; '));
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
  readonly status = 404;
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  readonly status = 403;
}

/** The request does not fit the resource's state (retrying a job that has not failed). */
export class ConflictError extends Error {
  override name = 'ConflictError';
  readonly status = 409;
}

/** The request cannot be read (a malformed multipart body). */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  readonly status = 400;
}

/** The request body is over its limit (an upload larger than the largest file taken). */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
  readonly status = 413;
}

/** The file is of a type the resource does not take. */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
  readonly status = 415;
}
