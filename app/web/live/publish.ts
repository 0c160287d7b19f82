/**
 * Events the web app itself produces (a BUR approved or rejected), published on the process's
 * event bus when it has one (bin/web boots with events: 'subscribe'); without a bus, nothing
 * happens. Publishing never waits and never throws into the request.
 *
 * Example: publishAppEvent(burStatus, { burId: 12, status: 'processing', jobId })
 */
import {
  backlotSettings,
  createEvent,
  type BacklotEvent,
  type EventData,
  type EventDefinition,
} from '../../framework/index';

export function publishAppEvent<T extends EventDefinition>(type: T, data: EventData<T>): void {
  const bus = backlotSettings().events;
  if (!bus) return;
  try {
    bus.publish(createEvent(type, data) as BacklotEvent);
  } catch (error) {
    backlotSettings().logger.warn({ err: error, eventType: type.type }, `could not publish ${type.type}`);
  }
}
