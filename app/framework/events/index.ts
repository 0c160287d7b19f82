/**
 * The event bus (Flamenco's): typed, versioned events on topics (the app declares its own types
 * with defineEvent and who sees them with defineViewerPolicy), an in-process broker fanning
 * them out to forwarders (Redis stream to other processes, Server-Sent Events, MQTT, logs).
 * app/framework/index.ts re-exports this; the app imports from there.
 *
 * Example:
 *   const thingStatus = defineEvent('thing.status', schema, { topic: (d) => `/things/${topicSegment(d.thingId)}` });
 *   const bus = startEventBus({ redis: { url, prefix, subscribe: true } });
 *   app.get('/events', sseHandler(bus.broker, { authorize: (req) => levelOf(req), policy }));
 *   bus.broker.publish(createEvent(thingStatus, { thingId: 12, status: 'approved' }));
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
export { defineEvent, eventDefinition, eventTypes, EventDefinitionError } from './event-definition';
export type { DefineEventOptions, EventDataSchema, EventDefinition } from './event-definition';
export { FRAMEWORK_EVENTS } from './framework-event-types';
export type { FrameworkEventType } from './framework-event-types';
export { createEvent, parseEvent, topicFor, eventTypeOf, EVENT_VERSION, InvalidEventError } from './payloads';
export type { BacklotEvent, EventData, EventRef } from './payloads';
export { RedisEventTransport } from './redis-transport';
export type { RedisEventTransportOptions } from './redis-transport';
export { EVENTS_PER_ENTRY } from './event-stream';
export type { EventSubscription, SubscribeOptions, SubscriptionStats } from './stream-subscriber';
export { sseHandler, parseTopics } from './sse-handler';
export type { SseHandler, SseHandlerOptions, SseRecheck } from './sse-handler';
export { SseHub } from './sse-hub';
export { topics, topicMatches, topicRoot, topicSegment, isValidTopic, TOPIC_PATTERN } from './topics';
export {
  defineViewerPolicy,
  redactingFields,
  DEFAULT_VIEWER_POLICY,
  ViewerPolicyError,
} from './viewer-policy';
export type { FieldPolicy, TopicFilter, ViewerPolicy, ViewerPolicyRules } from './viewer-policy';
