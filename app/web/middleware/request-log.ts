/**
 * One log line per request when the response is sent: method, path (never the query string,
 * which may carry tokens), status, duration. Probes (/healthz, /readyz, /metrics) log at debug.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        userId: res.locals.currentUser?.id,
      };
      if (PROBES.has(req.path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
