import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backlotSettings,
  createEvent,
  sseHandler,
  startEventBus,
  type EventBus,
  type SseHandler,
} from '../../../app/framework/index';
import { TEST_LEVELS, TEST_POLICY, thingStatus } from './test-events';
import { ROOT } from '../../support/processes';
import { useRedisPrefix } from '../../support/redis';
import { listen, openSse, sleep, waitUntil, type TestServer } from './support';

const scope = useRedisPrefix('events-bus');

let web: EventBus;
let events: SseHandler;
let server: TestServer;

beforeAll(async () => {
  web = startEventBus({
    redis: { url: scope.url, prefix: scope.prefix, subscribe: true },
    log: false,
    clockTickMs: 50,
  });
  await web.ready;
  events = sseHandler(web.broker, { authorize: () => TEST_LEVELS.admin, policy: TEST_POLICY });
  const app = express();
  app.get('/events', events);
  server = await listen(app);
});

afterAll(async () => {
  await events.close();
  await server.close();
  await web.stop(1_000);
});

function runProducer(): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'test/framework/events/fixtures/producer.ts'), scope.url, scope.prefix],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((done) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    }),
  );
}

describe('startEventBus across processes', () => {
  it('makes itself the framework publisher and ticks the clock in this process', async () => {
    expect(backlotSettings().events).toBe(web.broker);
    const clock = openSse(server.url('/events?topics=/lifecycle'));
    const ticks = await clock.waitForEvents(2, 2_000);
    expect(ticks.every((e) => e.type === 'clock.tick' && e.topic === '/lifecycle/clock')).toBe(true);
    clock.close();
  });

  it("delivers another process's job and thing.status events to this process's SSE clients, once each", async () => {
    const client = openSse(server.url('/events?topics=/jobs,/things'));
    await client.response;
    await waitUntil(() => events.hub.clientCount >= 1, 2_000, 'the SSE client');

    const producer = await runProducer();
    expect(producer.code, producer.output).toBe(0);
    const received = await client.waitForEvents(5, 10_000);
    expect(received.map((e) => e.type)).toEqual([
      'job.started',
      'job.progress',
      'job.completed',
      'job.enqueued',
      'thing.status',
    ]);
    expect(received[0]?.data).toMatchObject({ jobClass: 'BusTest_Echo', arguments: ['hello'] });
    expect(received[4]).toMatchObject({ topic: '/things/77', data: { status: 'approved' } });

    // an event produced here reaches local clients once (not again through the stream)
    web.broker.publish(createEvent(thingStatus, { thingId: 78, status: 'rejected' }));
    await client.waitForEvents(6, 5_000);
    await sleep(300);
    expect(client.events().filter((e) => e.topic === '/things/78')).toHaveLength(1);
    expect(client.events()).toHaveLength(6);
    client.close();
  });
});
