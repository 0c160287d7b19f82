/**
 * Live updates for the web app: the Server-Sent Events endpoint (GET /events?topics=...) over the
 * process's event broker, with the app's policies, plus the BUR bridge (bur-bridge.ts).
 *
 * Steps of createLiveEvents: register the bridge on the broker; build the framework's sseHandler
 * whose viewer level comes from the signed-in user (res.locals.currentUser, loaded by the session
 * middleware that runs first; anonymous viewers are level 0, not refused); createApp mounts
 * `handler` at /events. close() ends every stream, unregisters both and from then on refuses new
 * streams with 503 and `Connection: close` (bin/web calls it before server.close(), which would
 * otherwise wait for the open streams, and for the ones browsers reopen on kept-alive sockets).
 *
 * Example (bin/web):
 *   const backlot = bootBacklot({ events: 'subscribe' });
 *   const live = createLiveEvents({ broker: backlot.events!.broker, queues });
 *   const app = createApp({ ..., live });
 *   // shutdown: await live.close(); server.close()
 */
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { sseHandler, type BullmqAdapter, type EventBroker } from '../../framework/index';
import { burBridge } from './bur-bridge';
import { liveFieldPolicy, liveTopicFilter, viewerLevel } from './policy';

export interface LiveEventsOptions {
  broker: EventBroker;
  /** Queues to read a BUR job's arguments from when its events do not carry its BUR id. */
  queues: BullmqAdapter;
  queueNames: readonly string[];
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

/** The BUR id in a job's first argument, looked up across `queueNames`. */
export async function burIdOfJob(queues: BullmqAdapter, queueNames: readonly string[], jobId: string): Promise<number | undefined> {
  for (const name of queueNames) {
    const job = await queues.queue(name).getJob(jobId);
    if (!job) continue;
    const first = (job.data as { arguments?: unknown[] } | undefined)?.arguments?.[0];
    return typeof first === 'number' && Number.isSafeInteger(first) ? first : undefined;
  }
  return undefined;
}

export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const bridge = options.broker.register(
    burBridge({ broker: options.broker, lookup: (jobId) => burIdOfJob(options.queues, options.queueNames, jobId) }),
    { capacity: 5_000, batchSize: 100 },
  );
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
        res.status(503).set({ Connection: 'close', 'Retry-After': '5' }).json({ error: 'the server is shutting down' });
        return;
      }
      return sse(req, res);
    },
    get clientCount() {
      return sse.hub.clientCount;
    },
    close() {
      closed ??= Promise.all([sse.close(), bridge.unregister()]).then(() => undefined);
      return closed;
    },
  };
}
