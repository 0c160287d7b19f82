/**
 * Helpers for the event bus tests: bounded waits, a forwarder that records what it gets, brokers
 * closed after each test, a real HTTP server on 127.0.0.1:0 and a real Server-Sent Events client
 * over node:http.
 *
 * Example:
 *   const broker = useBrokers(); const b = broker(); b.publish(tick(1)); await b.flush(1_000);
 *   const server = await listen(app); const client = openSse(server.url('/events?topics=/jobs'));
 *   await client.waitForEvents(1); client.close(); await server.close();
 */
import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { createEvent, EventBroker, type BacklotEvent, type Forwarder } from '../../../app/framework/index';

/** Polls `check` every 10 ms until it returns true, at most timeoutMs. */
export async function waitUntil(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A clock.tick event of interval `n`: the broker tests' filler event. */
export const tick = (n: number) => createEvent('clock.tick', { intervalMs: n });

/** A factory of EventBrokers; each is closed (100 ms grace) after every test. */
export function useBrokers(): () => EventBroker {
  const brokers: EventBroker[] = [];
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.close(100)));
  });
  return () => {
    const b = new EventBroker();
    brokers.push(b);
    return b;
  };
}

export interface Recorder extends Forwarder {
  readonly events: BacklotEvent[];
  readonly batches: number[];
}

export function recorder(name = 'recorder', scope: 'local' | 'all' = 'all'): Recorder {
  const events: BacklotEvent[] = [];
  const batches: number[] = [];
  return {
    name,
    scope,
    events,
    batches,
    deliver(batch) {
      batches.push(batch.length);
      events.push(...batch);
    },
  };
}

export interface TestServer {
  server: Server;
  url(path: string): string;
  close(): Promise<void>;
}

export async function listen(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
}

export interface SseClient {
  response: Promise<IncomingMessage>;
  messages: SseMessage[];
  /** Parsed `data:` of default (message) events. */
  events(): BacklotEvent[];
  body(): string;
  waitForEvents(n: number, timeoutMs?: number): Promise<BacklotEvent[]>;
  waitFor(check: (messages: SseMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  ended: Promise<void>;
  close(): void;
}

/** A streaming GET that parses the SSE frames as they arrive. */
export function openSse(url: string, headers: Record<string, string> = {}): SseClient {
  const messages: SseMessage[] = [];
  let text = '';
  let pending = '';
  let endResolve!: () => void;
  const ended = new Promise<void>((resolve) => (endResolve = resolve));
  const request = get(url, { headers: { Accept: 'text/event-stream', ...headers } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        pending += chunk;
        let cut: number;
        while ((cut = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, cut);
          pending = pending.slice(cut + 2);
          const message: SseMessage = { comments: [] };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) message.comments.push(line.slice(1).trim());
            else {
              const colon = line.indexOf(':');
              const key = line.slice(0, colon) as 'id' | 'event' | 'data' | 'retry';
              message[key] = line.slice(colon + 1).replace(/^ /, '');
            }
          }
          messages.push(message);
        }
      });
      res.on('close', () => endResolve());
      resolve(res);
    });
    request.on('error', (error) => {
      endResolve();
      reject(error);
    });
  });
  response.catch(() => undefined);
  const events = () =>
    messages
      .filter((m) => m.data !== undefined && m.event === undefined)
      .map((m) => JSON.parse(m.data as string) as BacklotEvent);
  return {
    response,
    messages,
    events,
    body: () => text,
    ended,
    async waitForEvents(n, timeoutMs = 5_000) {
      await waitUntil(() => events().length >= n, timeoutMs, `${n} SSE events (have ${events().length})`);
      return events();
    },
    waitFor: (check, timeoutMs = 5_000) => waitUntil(() => check(messages), timeoutMs, 'SSE messages'),
    close: () => request.destroy(),
  };
}
