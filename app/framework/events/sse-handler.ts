/**
 * sseHandler: an express 5 request handler streaming events to web pages as Server-Sent Events.
 *
 * Steps of one request (GET /events?topics=/jobs,/things/12):
 *   1. parse `topics` (comma-separated, each like /jobs/12; missing or malformed: 400);
 *   2. authorize(req) -> the viewer's level (undefined: 401); a topic the policy refuses at
 *      that level: 403 naming it; maxClientsPerAddress streams open from the client's address
 *      (clientAddress): 429, maxClients open in all: 503, both with Retry-After;
 *   3. send the headers (text/event-stream, no-cache, no buffering by proxies) and `retry:`;
 *   4. resume after Last-Event-ID (header, or ?lastEventId= for polyfills) from the hub's ring, or
 *      send `event: resync` when that id cannot be resumed (the page reloads its state);
 *   5. stream matching events (`id:` and `data:` JSON; default "message" events), with a comment
 *      heartbeat every heartbeatMs; when the client goes away the stream is detached.
 * Re-checks (with `recheck`): every recheck.everyMs the viewers of all open streams are looked up
 * again in one call (recheck.levels); a stream whose viewer's level changed, or who is refused
 * now (undefined), is ended. Its browser reconnects with Last-Event-ID and is authorized afresh
 * (a demoted admin resumes without job arguments, a deleted account is refused). A lookup that
 * fails is logged and the streams stay open until the next one.
 * handler.close() ends every stream and unregisters the hub (call it before server.close()).
 *
 * Example:
 *   const events = sseHandler(broker, { authorize: (req) => levelOf(req.user), policy: appViewerPolicy });
 *   app.get('/events', events);
 *   // page: new EventSource('/events?topics=/things/12').onmessage = (m) => render(JSON.parse(m.data))
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { EventBroker } from './broker';
import type { ForwarderOptions } from './forwarder';
import { backlotSettings } from '../settings';
import { SseHub, type SseClient } from './sse-hub';
import { isValidTopic } from './topics';
import { DEFAULT_VIEWER_POLICY, type ViewerPolicy } from './viewer-policy';

export interface SseHandlerOptions<Req extends IncomingMessage = Request> {
  /** The viewer's level for this request, or undefined to refuse it (401). */
  authorize(req: Req): number | undefined | Promise<number | undefined>;
  /** Which topics and fields a level sees (the app's, from defineViewerPolicy). @defaultValue DEFAULT_VIEWER_POLICY: /lifecycle only */
  policy?: ViewerPolicy;
  /** Topics one request may list. @defaultValue 20 */
  maxTopics?: number;
  /** Streams open at once. @defaultValue 1000 */
  maxClients?: number;
  /** Streams open at once from one client address. @defaultValue 20 */
  maxClientsPerAddress?: number;
  /** The address maxClientsPerAddress counts by. @defaultValue the socket's remote address */
  clientAddress?: (req: Req) => string;
  /** Looks the viewers of open streams up again, so level changes and deleted accounts take effect. */
  recheck?: SseRecheck<Req>;
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

export interface SseRecheck<Req extends IncomingMessage = Request> {
  /** The current level of each request's viewer, in the same order (undefined: refused now). */
  levels(reqs: readonly Req[]): Promise<readonly (number | undefined)[]>;
  /** @defaultValue 10000 */
  everyMs?: number;
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
  if (!value) return 'topics is required, e.g. ?topics=/jobs,/lifecycle';
  const list = [
    ...new Set(
      value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (list.length === 0) return 'topics is required, e.g. ?topics=/jobs,/lifecycle';
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
  const policy = options.policy ?? DEFAULT_VIEWER_POLICY;
  const maxClients = options.maxClients ?? 1_000;
  const hub = new SseHub({
    policy,
    ...(options.bufferSize !== undefined ? { bufferSize: options.bufferSize } : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const registration = broker.register(hub, { capacity: 5_000, batchSize: 200, ...options.queue });
  const maxPerAddress = options.maxClientsPerAddress ?? 20;
  const addressOf = (req: Req): string =>
    options.clientAddress ? options.clientAddress(req) : (req.socket.remoteAddress ?? 'unknown');
  const perAddress = new Map<string, number>();
  const streams = new Map<SseClient, Req>();
  const log = options.logger ?? (() => backlotSettings().logger);
  let rechecking: NodeJS.Timeout | undefined;
  let checking = false;

  const end = (client: SseClient) => {
    hub.detach(client);
    client.res.end();
  };
  const recheck = async (check: SseRecheck<Req>) => {
    if (checking || streams.size === 0) return;
    checking = true;
    const open = [...streams];
    try {
      const levels = await check.levels(open.map(([, req]) => req));
      open.forEach(([client], i) => {
        if (streams.has(client) && levels[i] !== client.level) end(client);
      });
    } catch (error) {
      log().warn({ err: error }, 'SSE: could not re-check the viewers of open streams; they stay open');
    } finally {
      checking = false;
    }
  };
  const track = (client: SseClient, req: Req, address: string) => {
    streams.set(client, req);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    const check = options.recheck;
    if (check && !rechecking)
      rechecking = setInterval(() => void recheck(check), check.everyMs ?? 10_000).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      hub.detach(client);
      streams.delete(client);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
      if (streams.size === 0 && rechecking) {
        clearInterval(rechecking);
        rechecking = undefined;
      }
    };
  };

  const handle = async (req: Req, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const topics = parseTopics(url.searchParams.get('topics'), options.maxTopics);
    if (typeof topics === 'string') return refuse(res, 400, topics);
    const level = await options.authorize(req);
    if (level === undefined) return refuse(res, 401, 'not signed in');
    const forbidden = topics.filter((t) => !policy.topicFilter(t, level));
    if (forbidden.length > 0) return refuse(res, 403, `not allowed: ${forbidden.join(', ')}`);
    const address = addressOf(req);
    if ((perAddress.get(address) ?? 0) >= maxPerAddress)
      return refuse(res, 429, `too many event streams from your address (at most ${maxPerAddress})`, {
        'Retry-After': '10',
      });
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
    res.on('close', track(client, req, address));
  };

  return Object.assign(handle, {
    hub,
    async close() {
      hub.close();
      await registration.unregister();
    },
  });
}
