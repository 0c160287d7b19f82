/**
 * The web layer's named errors. Services throw them; middleware/errors.ts turns each into its
 * status (422, 404, 403, 409, 400, 413, 415) as an HTML page or JSON, so controllers need no try/catch.
 *
 * Steps: WebError names each error after its class (`name` is the constructor's name) and holds
 * its status; a subclass gives only the status (and its fields, if any).
 *
 * Example: throw new NotFoundError(`no post ${id}`)
 */

/** An error with the HTTP status it answers with, named after its class. */
export abstract class WebError extends Error {
  abstract readonly status: number;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input errors by field, shown next to the form fields or returned as JSON with 422. */
export class ValidationError extends WebError {
  readonly status = 422;
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields).join('; '));
  }
}

export class NotFoundError extends WebError {
  readonly status = 404;
}

export class ForbiddenError extends WebError {
  readonly status = 403;
}

/** The request does not fit the resource's state (retrying a job that has not failed). */
export class ConflictError extends WebError {
  readonly status = 409;
}

/** The request cannot be read (a malformed multipart body). */
export class BadRequestError extends WebError {
  readonly status = 400;
}

/** The request body is over its limit (an upload larger than the largest file taken). */
export class PayloadTooLargeError extends WebError {
  readonly status = 413;
}

/** The file is of a type the resource does not take. */
export class UnsupportedMediaTypeError extends WebError {
  readonly status = 415;
}
