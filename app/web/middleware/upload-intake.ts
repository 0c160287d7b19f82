/**
 * Receiving an uploaded file (multer, multipart/form-data) for POST /uploads and /api/uploads,
 * mounted before CSRF protection so that the form's `_csrf` field is parsed from the multipart
 * body (the protection then checks it as for any form; JSON clients send X-CSRF-Token).
 *
 * Steps: only signed-in users get this far (requireSignIn runs first, so no anonymous body is
 * stored); one file in the field `file`, at most UPLOAD_MAX_BYTES, of a type in
 * UPLOAD_CONTENT_TYPES (by the part's declared type; the job checks the bytes), plus small text
 * fields; the file is streamed to STORAGE_ROOT/uploads/incoming/<random hex>. Refusals: too large
 * 413, another type 415, another field or more than one file 422, an unreadable body 400, each
 * naming what was wrong (create-app.ts runs the text guard again after it, on the form's fields).
 * A stored file that no upload claimed by the time the response is sent
 * (CSRF refusal, bad tags, an error) is removed: controllers set res.locals.uploadClaimed.
 *
 * Example: app.post(['/uploads', '/api/uploads'], requireSignIn(), uploadIntake({ storageRoot }))
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RequestHandler } from 'express';
import multer, { MulterError } from 'multer';
import { INCOMING_DIR } from '../../services/uploads/files';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors';

/** Largest file taken, in bytes. @defaultValue 20 MiB */
export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
/** Declared types taken (the job reads the real type from the bytes). */
export const UPLOAD_CONTENT_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
/** The form field that carries the file. */
export const UPLOAD_FIELD = 'file';

export interface UploadIntakeOptions {
  storageRoot: string;
  /** @defaultValue UPLOAD_MAX_BYTES */
  maxBytes?: number;
}

function refusal(error: unknown, maxBytes: number): Error {
  if (error instanceof MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new PayloadTooLargeError(`the file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB`);
      case 'LIMIT_UNEXPECTED_FILE':
      case 'LIMIT_FILE_COUNT':
        return new ValidationError({ [UPLOAD_FIELD]: `send one file, in the field "${UPLOAD_FIELD}"` });
      default:
        return new ValidationError({
          [error.field ?? 'form']: `the form is over its limits: ${error.message}`,
        });
    }
  }
  if (error instanceof UnsupportedMediaTypeError) return error;
  return new BadRequestError(
    `cannot read the multipart body: ${error instanceof Error ? error.message : String(error)}`,
  );
}

export function uploadIntake(options: UploadIntakeOptions): RequestHandler {
  const maxBytes = options.maxBytes ?? UPLOAD_MAX_BYTES;
  const directory = join(resolve(options.storageRoot), INCOMING_DIR);
  const receive = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, done) => {
        try {
          mkdirSync(directory, { recursive: true });
          done(null, directory);
        } catch (error) {
          done(error as Error, directory);
        }
      },
      filename: (_req, _file, done) => done(null, randomBytes(16).toString('hex')),
    }),
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
    fileFilter: (_req, file, done) => {
      if (UPLOAD_CONTENT_TYPES.includes(file.mimetype)) return done(null, true);
      done(
        new UnsupportedMediaTypeError(
          `${file.mimetype || 'a file without a type'} is not taken: upload a JPEG, PNG, GIF or WebP image`,
        ),
      );
    },
  }).single(UPLOAD_FIELD);

  return (req, res, next) => {
    receive(req, res, (error?: unknown) => {
      const stored = req.file?.path;
      if (stored)
        res.once('close', () => {
          if (res.locals.uploadClaimed !== true) void rm(stored, { force: true });
        });
      if (error) return next(refusal(error, maxBytes));
      next();
    });
  };
}
