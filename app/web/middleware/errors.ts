/**
 * The last middleware: unknown routes become 404, and every error becomes its status as an HTML
 * page or JSON ({ error, fields? }). Named errors (errors.ts), CSRF refusals (403) and body-parser
 * errors (4xx) keep their status and message; anything else is a 500 whose details go to the log
 * only, never to the response.
 *
 * Example: app.use(notFound); app.use(errorHandler(logger));
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { NotFoundError, ValidationError } from '../errors';
import { errorPage } from '../views/errors.views';
import { sendPage } from '../views/render';
import { wantsJson } from './respond';

export const notFound: RequestHandler = (req, _res, next) => {
  // The path as requested: req.path is what a sub-app last rewrote it to (Bull Board's /rw, /ro).
  next(new NotFoundError(`no page at ${req.originalUrl.split('?')[0] ?? req.path}`));
};

function statusOf(error: unknown): number {
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    const exposed = status < 500 && error instanceof Error;
    const message = exposed ? error.message : 'Something went wrong on our side; the error was logged.';
    if (status >= 500) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    res.status(status);
    if (wantsJson(req)) {
      res.json({ error: message, ...(error instanceof ValidationError ? { fields: error.fields } : {}) });
      return;
    }
    sendPage(req, res, errorPage(status, message));
  };
}
