/**
 * Live updates for the web app: the Server-Sent Events endpoint (GET /events?topics=...) over the
 * process's event broker, with the app's policies. BUR pages follow /burs/:id, where
 * ProcessBulkUpdateRequestJob publishes bur.status and bur.progress from whichever worker runs it.
 *
 * Steps of createLiveEvents: build the framework's sseHandler
 * whose viewer level comes from the signed-in user (res.locals.currentUser, loaded by the session
 * middleware that runs first; anonymous viewers are level 0, not refused); createApp mounts
 * `handler` at /events. close() ends every stream and from then on refuses new
 * streams with 503 and `Connection: close` (bin/web calls it before server.close(), which would
 * otherwise wait for the open streams, and for the ones browsers reopen on kept-alive sockets).
 *
 * Example (bin/web):
 *   const backlot = bootBacklot({ events: 'subscribe' });
 *   const live = createLiveEvents({ broker: backlot.events!.broker });
 *   const app = createApp({ ..., live });
 *   // shutdown: await live.close(); server.close()
 */
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { sseHandler, type EventBroker } from '../../framework/index';
import { liveFieldPolicy, liveTopicFilter, viewerLevel } from './policy';

export interface LiveEventsOptions {
  broker: EventBroker;
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
  const sse = sseHandler<Request>(options.broker, {
    authorize: (req) => viewerLevel(req.res?.locals.currentUser),
    topicFilter: liveTopicFilter,
    fieldPolicy: liveFieldPolicy,
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
