/**
 * The MQTT forwarder (Flamenco's MQTT client): publishes each event as JSON on topic prefix +
 * event topic ('backlot' + '/jobs/4f..' -> 'backlot/jobs/4f..') at QoS 1.
 *
 * Steps: connect at once and, whenever the connection fails or drops, again after reconnectMs
 * (mqtt.js's reconnectPeriod); deliver waits for a connection, then publishes its batch and waits
 * for every PUBACK. Nothing is handed to mqtt.js while disconnected, so its own buffers stay
 * small: events wait in the broker's bounded queue for this forwarder, and when that is full they
 * are dropped with an error log (broker.ts), as Flamenco drops when its MQTT queue is full.
 * Register it with scope 'local' (the default): each process publishes the events it produced,
 * so an event reaches MQTT once however many web processes read the Redis stream.
 * The mqtt package is imported when the first forwarder is made (it takes about half a second
 * to load), so processes without MQTT_URL never load it.
 *
 * Example: broker.register(new MqttForwarder({ url: 'mqtt://127.0.0.1:1883', topicPrefix: 'backlot' }), { capacity: 1000 })
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { backlotSettings } from '../settings';
import type { Forwarder } from './forwarder';
import { LogThrottle } from './log-throttle';
import type { BacklotEvent } from './payloads';

export interface MqttForwarderOptions {
  /** mqtt://, mqtts://, ws:// or wss:// URL of the broker. */
  url: string;
  /** Prepended to each event's topic; no trailing slash. @defaultValue 'backlot' */
  topicPrefix?: string;
  /** Delay before reconnecting after a failed or lost connection. @defaultValue 5000 */
  reconnectMs?: number;
  /** Give up one connection attempt after this long. @defaultValue 5000 */
  connectTimeoutMs?: number;
  /** @defaultValue backlot-<host>-<pid>-<random> */
  clientId?: string;
  /** @defaultValue the framework logger */
  logger?: () => Logger;
}

/** The URL with any password replaced, for log lines. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

export class MqttForwarder implements Forwarder {
  readonly name = 'mqtt';
  readonly scope = 'local' as const;
  /** Resolves to the mqtt.js client once the package is loaded and the client made. */
  readonly client: Promise<MqttClient>;
  private readonly prefix: string;
  private readonly log: () => Logger;
  private readonly where: string;
  private readonly errors = new LogThrottle(30_000);
  private wasConnected = false;

  constructor(options: MqttForwarderOptions) {
    this.prefix = (options.topicPrefix ?? 'backlot').replace(/\/+$/, '');
    this.log = options.logger ?? (() => backlotSettings().logger);
    this.where = redact(options.url);
    this.client = import('mqtt').then(({ connect }) => {
      const client = connect(options.url, {
        clientId:
          options.clientId ?? `backlot-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
        reconnectPeriod: options.reconnectMs ?? 5_000,
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        clean: true,
        queueQoSZero: false,
      });
      client.on('connect', () => {
        this.errors.reset();
        this.wasConnected = true;
        this.log().info({ mqtt: this.where }, `MQTT connected to ${this.where}`);
      });
      client.on('offline', () => {
        if (this.wasConnected)
          this.log().warn(
            { mqtt: this.where },
            `MQTT connection to ${this.where} lost; reconnecting every ${options.reconnectMs ?? 5_000} ms`,
          );
        this.wasConnected = false;
      });
      client.on('error', (error) => {
        const n = this.errors.hit();
        if (n > 0)
          this.log().warn(
            { mqtt: this.where, err: error, attempts: n },
            `MQTT ${this.where}: ${error.message}`,
          );
      });
      return client;
    });
    // deliver and close see a failed import; the promise itself never goes unhandled.
    this.client.catch(() => undefined);
  }

  /** The MQTT topic of an event. */
  topicOf(event: BacklotEvent): string {
    return `${this.prefix}${event.topic}`;
  }

  async deliver(events: readonly BacklotEvent[], signal: AbortSignal): Promise<void> {
    const client = await this.client;
    await this.connected(client, signal);
    await Promise.all(
      events.map((event) => client.publishAsync(this.topicOf(event), JSON.stringify(event), { qos: 1 })),
    );
  }

  async close(): Promise<void> {
    await (await this.client).endAsync(true);
  }

  private connected(client: MqttClient, signal: AbortSignal): Promise<void> {
    if (client.connected) return Promise.resolve();
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const done = () => {
        client.off('connect', onConnect);
        signal.removeEventListener('abort', onAbort);
      };
      const onConnect = () => {
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      client.on('connect', onConnect);
      signal.addEventListener('abort', onAbort);
    });
  }
}
