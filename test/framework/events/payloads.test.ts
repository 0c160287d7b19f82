import { describe, expect, it } from 'vitest';
import {
  createEvent,
  EVENT_TYPES,
  InvalidEventError,
  isValidTopic,
  parseEvent,
  topicMatches,
  topics,
  type BacklotEvent,
} from '../../../app/framework/index';

const job = { jobId: 'a1b2', jobClass: 'ResizeJob', queue: 'default', attempt: 1 };

/** One valid event of every type. */
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
  createEvent('bur.status', { burId: 12, status: 'processing' }),
  createEvent('bur.progress', { burId: '12', done: 3, total: 9 }),
  createEvent('record.deletion_requested', { model: 'post', recordId: 7, requestedBy: 1 }),
  createEvent('record.deleted', { model: 'post', recordId: 7, jobId: 'j1' }),
  createEvent('record.updated', { model: 'Upload', recordId: 7, status: 'completed' }),
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
    expect(new Set(samples.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    for (const event of samples) expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('stamps version 1, the time and the topic of the type', () => {
    const event = createEvent('job.completed', { ...job, durationMs: 1 });
    expect(event).toMatchObject({ v: 1, type: 'job.completed', topic: '/jobs/a1b2' });
    expect(Date.parse(event.at)).toBeGreaterThan(Date.now() - 5_000);
    expect(samples.map((e) => e.topic)).toEqual(
      expect.arrayContaining(['/burs/12', '/records/post/7', '/workers/h%3A1', '/lifecycle/clock']),
    );
  });

  it('rejects other versions, unknown types, bad topics and wrong data, naming the field', () => {
    const good = createEvent('bur.status', { burId: 12, status: 'approved' });
    const cases: [unknown, RegExp][] = [
      [{ ...good, v: 2 }, /at v:/],
      [{ ...good, type: 'bur.exploded' }, /at type:/],
      [{ ...good, topic: 'burs/12' }, /at topic: a topic such as/],
      [{ ...good, topic: '/burs/#' }, /at topic/],
      [{ ...good, at: 'yesterday' }, /at at:/],
      [{ ...good, data: { status: 'approved' } }, /at data\.burId/],
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

describe('topics', () => {
  it('builds topics with ids percent-encoded into one segment', () => {
    expect(topics.job('4f2c')).toBe('/jobs/4f2c');
    expect(topics.bur(12)).toBe('/burs/12');
    expect(topics.record('post', 'a/b#+')).toBe('/records/post/a%2Fb%23%2B');
    expect(topics.worker('host:42')).toBe('/workers/host%3A42');
    for (const topic of [topics.record('post', "x'(y)*!"), topics.job('ä ö'), topics.clock()])
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
