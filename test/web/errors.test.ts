import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  WebError,
} from '../../app/web/errors';

describe('web errors', () => {
  it.each([
    ['NotFoundError', 404, new NotFoundError('m')],
    ['ForbiddenError', 403, new ForbiddenError('m')],
    ['ConflictError', 409, new ConflictError('m')],
    ['BadRequestError', 400, new BadRequestError('m')],
    ['PayloadTooLargeError', 413, new PayloadTooLargeError('m')],
    ['UnsupportedMediaTypeError', 415, new UnsupportedMediaTypeError('m')],
  ])('%s is named after its class and answers %i', (name, status, error) => {
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.message).toBe('m');
    expect(error).toBeInstanceOf(WebError);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe(`${name}: m`);
  });

  it('ValidationError answers 422 with its fields, its message joining them', () => {
    const error = new ValidationError({ name: 'is taken', password: 'is too short' });
    expect(error.name).toBe('ValidationError');
    expect(error.status).toBe(422);
    expect(error.fields).toEqual({ name: 'is taken', password: 'is too short' });
    expect(error.message).toBe('is taken; is too short');
  });
});
