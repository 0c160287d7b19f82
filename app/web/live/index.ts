/**
 * Live updates for the web app: the Server-Sent Events endpoint (GET /events?topics=...) over the
 * process's event broker, with the app's policies. BUR pages follow /burs/:id, where
 * ProcessBulkUpdateRequestJob publishes bur.status and bur.progress from whichever worker runs it.
 *
 * Steps of createLiveEvents: build the framework's sseHandler
 * whose viewer level comes from the signed-in user (res.locals.currentUser, loaded by the session
 * middleware that runs first; anonymous viewers are level 0, not refused); with `viewers`, every
 * recheckMs the open streams' viewers are looked up again (viewers.ts) and a stream whose
 * viewer's level changed or whose account was deleted is ended (its browser reconnects at the new
 * level); at most maxStreamsPerIp streams per client IP (IPv6 by /56, as the rate limits; behind a
 * proxy set TRUST_PROXY), 429 beyond; createApp mounts `handler` at /events. close() ends every stream and from then on refuses new
 * streams with 503 and `Connection: close` (bin/web calls it before server.close(), which would
 * otherwise wait for the open streams, and for the ones browsers reopen on kept-alive sockets).
 *
 * Example (bin/web):
 *   const backlot = bootBacklot({ events: 'subscribe' });
 *   const live = createLiveEvents({ broker: backlot.events!.broker, viewers: storedViewerLevels(prisma()) });
 *   const app = createApp({ ..., live });
 *   // shutdown: await live.close(); server.close()
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Logger } from 'pino';
import { sseHandler, type EventBroker } from '../../framework/index';
import { appViewerPolicy } from '../../events/index';
import { viewerLevel } from './policy';
import { currentViewerLevels, type ViewerLookup } from './viewers';

export interface LiveEventsOptions {
  broker: EventBroker;
  /** Looks viewers up again while their streams are open. @defaultValue none (levels as at connect) */
  viewers?: ViewerLookup;
  /** How often open streams' viewers are looked up again. @defaultValue 10000 ms */
  recheckMs?: number;
  /** Streams one client IP may hold open. @defaultValue 20 */
  maxStreamsPerIp?: number;
  logger?: Logger;
  /** Passed to sseHandler (tests shorten them). */
  heartbeatMs?: number;
  retryMs?: number;
}

export interface LiveEvents {
  readonly handler: RequestHandler;
  /** Streams open now. */
  readonly clientCount: number;
  close(): Promise<void>;
}

export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const viewers = options.viewers;
  const sse = sseHandler<Request>(options.broker, {
    authorize: (req) => viewerLevel(req.res?.locals.currentUser),
    policy: appViewerPolicy,
    clientAddress: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    ...(options.maxStreamsPerIp !== undefined ? { maxClientsPerAddress: options.maxStreamsPerIp } : {}),
    ...(viewers
      ? {
          recheck: {
            everyMs: options.recheckMs ?? 10_000,
            levels: (reqs) => currentViewerLevels(viewers, reqs),
          },
        }
      : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    ...(options.logger ? { logger: () => options.logger as Logger } : {}),
  });
  let closed: Promise<void> | undefined;
  return {
    handler: (req, res) => {
      if (closed) {
        // Shutting down: a reconnecting EventSource (which may reuse a kept-alive socket) is
        // refused and the socket closed, so server.close() is not kept waiting by a new stream.
        res
          .status(503)
          .set({ Connection: 'close', 'Retry-After': '5' })
          .json({ error: 'the server is shutting down' });
        return;
      }
      return sse(req, res);
    },
    get clientCount() {
      return sse.hub.clientCount;
    },
    close() {
      closed ??= sse.close();
      return closed;
    },
  };
}
