/**
 * The Server-Sent Events hub behind sseHandler: one broker forwarder (scope 'all': events from
 * every process) that numbers events, keeps the last few in a ring for Last-Event-ID resumes and
 * writes each to the connected clients that subscribed to its topic and may see it.
 *
 * Steps of deliver(batch), synchronous (a write never waits for a client):
 *   number each event `<epoch>-<seq>` (epoch: random per hub, so ids from before a restart are
 *   recognised as foreign), keep it in the ring, and for each client whose topics match: apply the
 *   topic filter and field policy for its level (computed once per level per event), write the
 *   frame. A client with more than maxBufferedBytes unsent is disconnected; its EventSource
 *   reconnects with Last-Event-ID and resumes from the ring.
 * attach(client, lastEventId): replay the ring after that id (or send a `resync` event when the id
 * is foreign or older than the ring), then add the client; nothing is awaited in between, so no
 * event falls between replay and live delivery.
 *
 * Example: const hub = new SseHub({ policy }); broker.register(hub); hub.attach(client, req.headers['last-event-id'])
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { backlotSettings } from '../settings';
import type { Forwarder } from './forwarder';
import type { BacklotEvent } from './payloads';
import { topicMatches } from './topics';
import type { ViewerPolicy } from './viewer-policy';

export interface SseClient {
  readonly res: ServerResponse;
  readonly topics: readonly string[];
  readonly level: number;
}

export interface SseHubOptions {
  /** Which topics and fields each client's viewer level sees (viewer-policy.ts). */
  policy: ViewerPolicy;
  /** Events kept for Last-Event-ID resumes. @defaultValue 1000 */
  bufferSize?: number;
  /** Comment line sent to every client this often, ms, so proxies keep the stream open. @defaultValue 15000 */
  heartbeatMs?: number;
  /** A client with more unsent bytes than this is disconnected. @defaultValue 1048576 */
  maxBufferedBytes?: number;
  /** @defaultValue the framework logger */
  logger?: () => Logger;
}

interface Numbered {
  seq: number;
  event: BacklotEvent;
}

/** The last `capacity` events, oldest first. */
class EventRing {
  private readonly entries: (Numbered | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<Numbered | undefined>(capacity);
  }

  push(entry: Numbered): void {
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Oldest seq kept (undefined when empty). */
  oldest(): number | undefined {
    return this.count === 0
      ? undefined
      : this.entries[(this.next - this.count + this.capacity) % this.capacity]?.seq;
  }

  *after(seq: number): Generator<Numbered> {
    for (let i = 0; i < this.count; i += 1) {
      const entry = this.entries[(this.next - this.count + i + this.capacity) % this.capacity];
      if (entry && entry.seq > seq) yield entry;
    }
  }
}

export class SseHub implements Forwarder {
  readonly name = 'sse';
  readonly scope = 'all' as const;
  /** Changes on every start: a Last-Event-ID from another run is recognised. */
  readonly epoch = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly ring: EventRing;
  private readonly clients = new Set<SseClient>();
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;
  private readonly log: () => Logger;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: SseHubOptions) {
    this.ring = new EventRing(options.bufferSize ?? 1_000);
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1_048_576;
    this.log = options.logger ?? (() => backlotSettings().logger);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  deliver(events: readonly BacklotEvent[]): void {
    for (const event of events) {
      this.seq += 1;
      const entry = { seq: this.seq, event };
      this.ring.push(entry);
      if (this.clients.size === 0) continue;
      const frames = new Map<number, string | null>();
      for (const client of this.clients) {
        if (!client.topics.some((topic) => topicMatches(topic, event.topic))) continue;
        let frame = frames.get(client.level);
        if (frame === undefined) {
          frame = this.frame(entry, client.level);
          frames.set(client.level, frame);
        }
        if (frame !== null) this.write(client, frame);
      }
    }
  }

  /** Replays what the client missed after `lastEventId`, then delivers to it live. */
  attach(client: SseClient, lastEventId: string | undefined): void {
    if (lastEventId) this.replay(client, lastEventId);
    this.clients.add(client);
    this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs).unref();
  }

  detach(client: SseClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  /** Ends every client's stream (server shutdown: an open stream would keep server.close() waiting). */
  close(): void {
    for (const client of [...this.clients]) {
      this.detach(client);
      client.res.end();
    }
  }

  private replay(client: SseClient, lastEventId: string): void {
    const match = /^([0-9a-f]+)-(\d+)$/.exec(lastEventId);
    const seq = Number(match?.[2]);
    const oldest = this.ring.oldest() ?? this.seq + 1;
    let reason: string | undefined;
    if (!match || match[1] !== this.epoch || seq > this.seq) reason = 'unknown-id';
    else if (seq < oldest - 1) reason = 'too-old';
    if (reason) {
      this.write(client, `event: resync\ndata: ${JSON.stringify({ reason })}\n\n`);
      return;
    }
    for (const entry of this.ring.after(seq)) {
      if (!client.topics.some((topic) => topicMatches(topic, entry.event.topic))) continue;
      const frame = this.frame(entry, client.level);
      if (frame !== null) this.write(client, frame);
    }
  }

  private frame(entry: Numbered, level: number): string | null {
    if (!this.options.policy.topicFilter(entry.event.topic, level)) return null;
    const visible = this.options.policy.fieldPolicy(entry.event, level);
    return visible ? `id: ${this.epoch}-${entry.seq}\ndata: ${JSON.stringify(visible)}\n\n` : null;
  }

  private write(client: SseClient, text: string): void {
    const { res } = client;
    if (res.destroyed || res.writableEnded) {
      this.detach(client);
      return;
    }
    res.write(text);
    if (res.writableLength > this.maxBufferedBytes) {
      this.log().warn(
        { bufferedBytes: res.writableLength },
        'SSE client too slow: disconnected (it resumes with Last-Event-ID)',
      );
      this.detach(client);
      res.destroy();
    }
  }

  private beat(): void {
    for (const client of [...this.clients]) this.write(client, ': heartbeat\n\n');
  }
}
