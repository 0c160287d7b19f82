import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEvent,
  defineEvent,
  eventDefinition,
  EventDefinitionError,
  eventTypes,
  FRAMEWORK_EVENTS,
  InvalidEventError,
  isValidTopic,
  parseEvent,
  topicMatches,
  topics,
  topicSegment,
  type BacklotEvent,
} from '../../../app/framework/index';
import { thingProgress, thingStatus } from './test-events';

const job = { jobId: 'a1b2', jobClass: 'ResizeJob', queue: 'default', attempt: 1 };

/** One valid event of every type defined in this process (the framework's and the test's). */
const samples: BacklotEvent[] = [
  createEvent('job.enqueued', {
    ...job,
    attempt: 0,
    scheduledAt: '2030-01-01T00:00:00.000Z',
    priority: 3,
    arguments: [1, 'x'],
  }),
  createEvent('job.started', { ...job, arguments: [] }),
  createEvent('job.progress', { ...job, progress: 40 }),
  createEvent('job.progress', { ...job, progress: { done: 4, total: 10 } }),
  createEvent('job.completed', { ...job, durationMs: 12.5 }),
  createEvent('job.failed', {
    ...job,
    durationMs: 3,
    error: { name: 'Boom', message: 'bad' },
    exhausted: true,
    discarded: false,
  }),
  createEvent('job.retried', {
    ...job,
    durationMs: 3,
    delayMs: 1000,
    error: { name: 'Flaky', message: 'again' },
  }),
  createEvent('job.canceled', { ...job, reason: 'canceled by admin' }),
  createEvent('job.deleted', { jobId: 'a1b2', queue: 'default', reason: 'canceled' }),
  createEvent(thingStatus, { thingId: 12, status: 'processing' }),
  createEvent(thingProgress, { thingId: '12', done: 3, total: 9 }),
  createEvent('worker.up', {
    workerId: 'h:1',
    host: 'h',
    pid: 1,
    pools: ['default:2'],
    queues: ['default'],
    concurrency: 2,
  }),
  createEvent('worker.down', { workerId: 'h:1', host: 'h', pid: 1, reason: 'shutdown' }),
  createEvent('clock.tick', { intervalMs: 1000 }),
];

describe('event payloads', () => {
  it('has a sample of every type, each surviving a JSON round trip through the schema', () => {
    expect(new Set(samples.map((e) => e.type))).toEqual(new Set(eventTypes()));
    expect(eventTypes()).toEqual(expect.arrayContaining(Object.keys(FRAMEWORK_EVENTS)));
    expect(eventTypes().some((type) => /^(bur|record)\./.test(type))).toBe(false); // none of the app's
    for (const event of samples) expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('stamps version 1, the time and the topic of the type', () => {
    const event = createEvent('job.completed', { ...job, durationMs: 1 });
    expect(event).toMatchObject({ v: 1, type: 'job.completed', topic: '/jobs/a1b2' });
    expect(Date.parse(event.at)).toBeGreaterThan(Date.now() - 5_000);
    expect(samples.map((e) => e.topic)).toEqual(
      expect.arrayContaining(['/things/12', '/workers/h%3A1', '/lifecycle/clock']),
    );
  });

  it('rejects other versions, unknown types, bad topics and wrong data, naming the field', () => {
    const good = createEvent(thingStatus, { thingId: 12, status: 'approved' });
    const cases: [unknown, RegExp][] = [
      [{ ...good, v: 2 }, /at v:/],
      [{ ...good, type: 'thing.exploded' }, /at type: "thing.exploded" is not a defined event type/],
      [{ ...good, type: 42 }, /at type:/],
      [{ ...good, topic: 'things/12' }, /at topic: a topic such as/],
      [{ ...good, topic: '/things/#' }, /at topic/],
      [{ ...good, at: 'yesterday' }, /at at:/],
      [{ ...good, data: { status: 'approved' } }, /at data\.thingId/],
      [{ ...good, data: 'approved' }, /at data:/],
      [
        {
          ...good,
          type: 'job.failed',
          data: { ...job, durationMs: -1, error: { name: 'E' }, exhausted: false, discarded: false },
        },
        /at data\.durationMs/,
      ],
      ['not an object', /invalid event/],
    ];
    for (const [raw, message] of cases) {
      expect(() => parseEvent(raw)).toThrow(InvalidEventError);
      expect(() => parseEvent(raw)).toThrow(message);
    }
  });

  it('drops unknown data keys from events read from outside', () => {
    const raw = {
      ...createEvent('clock.tick', { intervalMs: 5 }),
      data: { intervalMs: 5, injected: '<script>' },
    };
    expect(parseEvent(raw).data).toEqual({ intervalMs: 5 });
  });
});

describe('defineEvent', () => {
  it('registers a type with its schema and topic, which createEvent and parseEvent then use', () => {
    const gadgetMoved = defineEvent(
      'gadget.moved',
      z.object({ gadgetId: z.number().int(), to: z.string() }),
      {
        topic: (data) => `/gadgets/${data.gadgetId}`,
      },
    );
    expect(eventDefinition('gadget.moved')).toBe(gadgetMoved);
    const event = createEvent(gadgetMoved, { gadgetId: 3, to: 'shelf' });
    expect(event).toMatchObject({ v: 1, type: 'gadget.moved', topic: '/gadgets/3', data: { to: 'shelf' } });
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(() => parseEvent({ ...event, data: { gadgetId: 'x', to: 'shelf' } })).toThrow(/at data\.gadgetId/);
    expect(createEvent(gadgetMoved, { gadgetId: 3, to: 'shelf' }, '/gadgets').topic).toBe('/gadgets');
  });

  it('refuses a malformed type name, a type defined twice and a topic that is not a function', () => {
    const schema = z.object({ n: z.number() });
    const topic = () => '/n';
    for (const bad of ['', 'noDot', 'Thing.status', 'thing.', '.status', 'thing status', 'thing.sta-tus'])
      expect(() => defineEvent(bad, schema, { topic })).toThrow(
        /invalid event type .*dot-separated lowercase words/,
      );
    expect(() => defineEvent('thing.status', schema, { topic })).toThrow(EventDefinitionError);
    expect(() => defineEvent('job.started', schema, { topic })).toThrow(
      'event type job.started is defined twice',
    );
    expect(() => defineEvent('gadget.lost', schema, {} as never)).toThrow(
      /options\.topic must be a function/,
    );
    expect(eventDefinition('gadget.lost')).toBeUndefined();
  });

  it("names the framework's own types by string, and refuses any other string", () => {
    expect(createEvent('clock.tick', { intervalMs: 5 }).topic).toBe('/lifecycle/clock');
    expect(() => createEvent('thing.status' as 'clock.tick', { intervalMs: 5 })).toThrow(
      /"thing.status" is not one of the framework's event types/,
    );
  });
});

describe('topics', () => {
  it('builds topics with ids percent-encoded into one segment', () => {
    expect(topics.job('4f2c')).toBe('/jobs/4f2c');
    expect(topicSegment('a/b#+')).toBe('a%2Fb%23%2B');
    expect(createEvent(thingStatus, { thingId: 'a/b#+', status: 's' }).topic).toBe('/things/a%2Fb%23%2B');
    expect(topics.worker('host:42')).toBe('/workers/host%3A42');
    for (const topic of [topics.job("x'(y)*!"), topics.job('ä ö'), topics.clock()])
      expect(isValidTopic(topic)).toBe(true);
  });

  it("leaves ids of unreserved characters as they are, and encodes every other id as encodeURIComponent does (plus !'()*)", () => {
    const uuid = '3b241101-e2bb-4255-8caf-4136c566a962';
    expect(topics.job(uuid)).toBe(`/jobs/${uuid}`);
    expect(topics.job('a.b~c_d-e')).toBe('/jobs/a.b~c_d-e');
    for (const id of ["it's", '(x)', 'a*b!', 'ä', 'a b', '%', '']) {
      const expected = encodeURIComponent(id).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
      expect(topics.job(id)).toBe(`/jobs/${expected}`);
    }
  });

  it('matches a subscription to its topic and everything below it, at segment boundaries', () => {
    expect(topicMatches('/jobs', '/jobs')).toBe(true);
    expect(topicMatches('/jobs', '/jobs/12')).toBe(true);
    expect(topicMatches('/jobs/12', '/jobs/12')).toBe(true);
    expect(topicMatches('/jobs/1', '/jobs/12')).toBe(false);
    expect(topicMatches('/job', '/jobs/12')).toBe(false);
    expect(topicMatches('/jobs/12', '/jobs')).toBe(false);
    expect(topicMatches('/lifecycle', '/lifecycle/clock')).toBe(true);
  });

  it('validates topics', () => {
    for (const bad of ['', '/', 'jobs', '/jobs/', '/jobs//1', '/jobs/+', '/jobs/#', `/${'x'.repeat(300)}`])
      expect(isValidTopic(bad)).toBe(false);
  });
});
