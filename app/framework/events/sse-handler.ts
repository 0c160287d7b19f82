/**
 * sseHandler: an express 5 request handler streaming events to web pages as Server-Sent Events.
 *
 * Steps of one request (GET /events?topics=/jobs,/burs/12):
 *   1. parse `topics` (comma-separated, each like /jobs/12; missing or malformed: 400);
 *   2. authorize(req) -> the viewer's level (undefined: 401); a topic the topic filter refuses at
 *      that level: 403 naming it; more than maxClients streams open: 503 with Retry-After;
 *   3. send the headers (text/event-stream, no-cache, no buffering by proxies) and `retry:`;
 *   4. resume after Last-Event-ID (header, or ?lastEventId= for polyfills) from the hub's ring, or
 *      send `event: resync` when that id cannot be resumed (the page reloads its state);
 *   5. stream matching events (`id:` and `data:` JSON; default "message" events), with a comment
 *      heartbeat every heartbeatMs; when the client goes away the stream is detached.
 * handler.close() ends every stream and unregisters the hub (call it before server.close()).
 *
 * Example:
 *   const events = sseHandler(broker, { authorize: (req) => req.user?.level ?? VIEWER_LEVELS.anonymous });
 *   app.get('/events', events);
 *   // page: new EventSource('/events?topics=/burs/12').onmessage = (m) => render(JSON.parse(m.data))
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { EventBroker } from './broker';
import type { ForwarderOptions } from './forwarder';
import { SseHub, type SseClient } from './sse-hub';
import { isValidTopic } from './topics';
import { defaultFieldPolicy, defaultTopicFilter, type FieldPolicy, type TopicFilter } from './viewer-policy';

export interface SseHandlerOptions<Req extends IncomingMessage = Request> {
  /** The viewer's level for this request, or undefined to refuse it (401). */
  authorize(req: Req): number | undefined | Promise<number | undefined>;
  /** @defaultValue defaultTopicFilter (viewer-policy.ts) */
  topicFilter?: TopicFilter;
  /** @defaultValue defaultFieldPolicy: job arguments and error messages for admins only */
  fieldPolicy?: FieldPolicy;
  /** Topics one request may list. @defaultValue 20 */
  maxTopics?: number;
  /** Streams open at once. @defaultValue 1000 */
  maxClients?: number;
  /** Reconnect delay the browser is told, ms. @defaultValue 3000 */
  retryMs?: number;
  /** @defaultValue 15000 */
  heartbeatMs?: number;
  /** Events kept for resumes. @defaultValue 1000 */
  bufferSize?: number;
  /** @defaultValue 1048576 */
  maxBufferedBytes?: number;
  /** The hub's queue in the broker. @defaultValue { capacity: 5000, batchSize: 200 } */
  queue?: ForwarderOptions;
  logger?: () => Logger;
}

export interface SseHandler<Req extends IncomingMessage = Request> {
  (req: Req, res: ServerResponse): Promise<void>;
  readonly hub: SseHub;
  /** Ends every stream and stops receiving events. */
  close(): Promise<void>;
}

function refuse(
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify({ error }));
}

/** The topics of a query string value, or an error message. */
export function parseTopics(value: string | null, maxTopics = 20): string[] | string {
  if (!value) return 'topics is required, e.g. ?topics=/jobs,/burs/12';
  const list = [
    ...new Set(
      value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (list.length === 0) return 'topics is required, e.g. ?topics=/jobs,/burs/12';
  if (list.length > maxTopics) return `at most ${maxTopics} topics`;
  const bad = list.find((t) => !isValidTopic(t));
  return bad === undefined
    ? list
    : `invalid topic ${JSON.stringify(bad)}: expected slash-separated segments such as /jobs/12`;
}

export function sseHandler<Req extends IncomingMessage = Request>(
  broker: EventBroker,
  options: SseHandlerOptions<Req>,
): SseHandler<Req> {
  const topicFilter = options.topicFilter ?? defaultTopicFilter;
  const maxClients = options.maxClients ?? 1_000;
  const hub = new SseHub({
    topicFilter,
    fieldPolicy: options.fieldPolicy ?? defaultFieldPolicy,
    ...(options.bufferSize !== undefined ? { bufferSize: options.bufferSize } : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const registration = broker.register(hub, { capacity: 5_000, batchSize: 200, ...options.queue });

  const handle = async (req: Req, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const topics = parseTopics(url.searchParams.get('topics'), options.maxTopics);
    if (typeof topics === 'string') return refuse(res, 400, topics);
    const level = await options.authorize(req);
    if (level === undefined) return refuse(res, 401, 'not signed in');
    const forbidden = topics.filter((t) => !topicFilter(t, level));
    if (forbidden.length > 0) return refuse(res, 403, `not allowed: ${forbidden.join(', ')}`);
    if (hub.clientCount >= maxClients)
      return refuse(res, 503, 'too many event streams', { 'Retry-After': '10' });
    if (res.destroyed) return;

    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: ${options.retryMs ?? 3_000}\n\n`);
    const header = req.headers['last-event-id'];
    const lastEventId =
      (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId') ?? undefined;
    const client: SseClient = { res, topics, level };
    hub.attach(client, lastEventId);
    res.on('close', () => hub.detach(client));
  };

  return Object.assign(handle, {
    hub,
    async close() {
      hub.close();
      await registration.unregister();
    },
  });
}
