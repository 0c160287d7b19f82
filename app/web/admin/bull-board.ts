/**
 * Bull Board for every configured queue, behind the app's levels: admins get a board that can
 * act; moderators a separate read-only board (Bull Board's readOnlyMode, job data and return
 * values hidden) on which every request other than GET/HEAD is refused with 403 before Bull Board
 * sees it; everyone else gets 403 on the page and on every JSON API route alike.
 *
 * Steps per request under `basePath`: require moderator (403), set the XSRF-TOKEN cookie Bull
 * Board's axios client turns into the CSRF header (see middleware/csrf.ts), then route the request
 * to the admin board (/rw) or, for moderators, to the read-only one (/ro) by rewriting req.url
 * inside one express sub-app, refusing input Bull Board would fail on (400, bull-board-input.ts)
 * before either board sees it; both boards render their links with the public `basePath`. The page
 * fetches nothing from the internet (bull-board-offline.ts drops its web-font link).
 *
 * Example: app.use('/admin/jobs/board', bullBoard({ queues, basePath: '/admin/jobs/board', secureCookies }))
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express } from 'express';
import { filterSecrets } from '../../framework/index';
import { ForbiddenError } from '../errors';
import { xsrfCookie } from '../middleware/csrf';
import { withoutWebFonts } from './bull-board-offline';
import { boardInput } from './bull-board-input';
import { isAdmin, requireLevel } from '../middleware/require-level';

/** Where the board lives. */
export const BULL_BOARD_PATH = '/admin/jobs/board';

/** What moderators see instead of job arguments and return values. */
export const HIDDEN_FOR_MODERATORS = '[hidden: admins only]';

export interface BullBoardOptions {
  queues: readonly Queue[];
  basePath?: string;
  secureCookies: boolean;
}

function board(queues: readonly Queue[], basePath: string, readOnly: boolean): Express {
  const server = new ExpressAdapter();
  server.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => {
      const adapter = new BullMQAdapter(queue, readOnly ? { readOnlyMode: true, allowRetries: false } : {});
      if (readOnly) {
        adapter.setFormatter('data', () => HIDDEN_FOR_MODERATORS);
        adapter.setFormatter('returnValue', () => HIDDEN_FOR_MODERATORS);
      } else {
        // Admins see job data and results, with secret keys (LOG_FILTER_KEYS) as [FILTERED].
        adapter.setFormatter('data', (data) => filterSecrets(data));
        adapter.setFormatter('returnValue', (value) => filterSecrets(value));
      }
      return adapter;
    }),
    serverAdapter: server,
    options: {
      uiConfig: {
        boardTitle: readOnly ? 'Backlot jobs (read-only)' : 'Backlot jobs',
        miscLinks: [{ text: 'Jobs page', url: '/admin/jobs' }],
      },
    },
  });
  const router = server.getRouter() as Express;
  withoutWebFonts(router);
  return router;
}

export function bullBoard(options: BullBoardOptions): Express {
  const basePath = options.basePath ?? BULL_BOARD_PATH;
  const app = express();
  app.use(requireLevel('moderator'));
  app.use(xsrfCookie(basePath, options.secureCookies));
  app.use((req, res, next) => {
    if (isAdmin(res.locals.currentUser)) {
      req.url = `/rw${req.url}`;
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      req.url = `/ro${req.url}`;
    } else {
      next(new ForbiddenError('moderators have read-only access to the job board'));
      return;
    }
    next();
  });
  app.use(boardInput);
  app.use('/rw', board(options.queues, basePath, false));
  app.use('/ro', board(options.queues, basePath, true));
  return app;
}
