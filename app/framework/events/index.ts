/**
 * The event bus (Flamenco's): typed, versioned events on topics, an in-process broker fanning
 * them out to forwarders (Redis stream to other processes, Server-Sent Events, MQTT, logs).
 * app/framework/index.ts re-exports this; the app imports from there.
 *
 * Example:
 *   const bus = startEventBus({ redis: { url, prefix, subscribe: true } });
 *   app.get('/events', sseHandler(bus.broker, { authorize: (req) => levelOf(req) }));
 *   bus.broker.publish(createEvent('bur.status', { burId: 12, status: 'approved' }));
 */
export { EventBroker } from './broker';
export type { EventBrokerOptions } from './broker';
export type {
  EventOrigin,
  Forwarder,
  ForwarderOptions,
  ForwarderStats,
  ForwarderRegistration,
} from './forwarder';
export { DestinationUnavailableError } from './forwarder';
export { BoundedQueue } from './bounded-queue';
export { startEventBus } from './bus';
export type { EventBus, EventBusOptions } from './bus';
export { configureEvents, publishEvent, workerId } from './framework-events';
export { logForwarder } from './log-forwarder';
export type { LogForwarderOptions } from './log-forwarder';
export { MqttForwarder } from './mqtt-forwarder';
export type { MqttForwarderOptions } from './mqtt-forwarder';
export {
  createEvent,
  parseEvent,
  topicFor,
  eventSchema,
  EVENT_DATA_SCHEMAS,
  EVENT_TYPES,
  EVENT_VERSION,
  InvalidEventError,
} from './payloads';
export type { BacklotEvent, EventData, EventType } from './payloads';
export { EVENTS_PER_ENTRY, RedisEventTransport } from './redis-transport';
export type {
  EventSubscription,
  RedisEventTransportOptions,
  SubscribeOptions,
  SubscriptionStats,
} from './redis-transport';
export { sseHandler, parseTopics } from './sse-handler';
export type { SseHandler, SseHandlerOptions, SseRecheck } from './sse-handler';
export { SseHub } from './sse-hub';
export { topics, topicMatches, topicSegment, isValidTopic, TOPIC_PATTERN } from './topics';
export { VIEWER_LEVELS, defaultFieldPolicy, defaultTopicFilter } from './viewer-policy';
export type { FieldPolicy, TopicFilter } from './viewer-policy';
