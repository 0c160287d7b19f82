import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../app/db/client';
import { BullmqAdapter, type RedisConnection } from '../../app/framework/index';
import { createApp } from '../../app/web/create-app';
import { QUEUE_NAMES } from '../../config/queues';
import { testPrisma } from '../support/database';
import { EVIL_NAME, seedJobs } from './jobs-fixture';
import { useRedisPrefix } from '../support/redis';
import { useWebApp } from './support';

/** One sample line of the Prometheus text format: name{labels} value */
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|\+Inf|-Inf))$/;

function samples(body: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    result.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return result;
}

describe('probes and metrics', () => {
  const web = useWebApp({}, 'web-health');

  it('GET /healthz answers 200 without touching sessions', async () => {
    const res = await request(web().app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('GET /readyz answers 200 when Redis and PostgreSQL answer', async () => {
    const res = await request(web().app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { redis: 'ok', postgresql: 'ok' } });
  });

  it('GET /metrics: per-queue counts, completed and failed totals, duration by class, in Prometheus text format', async () => {
    await seedJobs(web().adapter, web().scope);
    const res = await request(web().app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const values = samples(res.text);

    for (const queue of QUEUE_NAMES) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(values.has(`backlot_queue_jobs{queue="${queue}",state="${state}"}`), `${queue} ${state}`).toBe(
          true,
        );
      }
    }
    expect(values.get('backlot_queue_jobs{queue="default",state="delayed"}')).toBe(1);
    expect(values.get('backlot_queue_jobs{queue="default",state="failed"}')).toBe(1);
    expect(values.get('backlot_queue_jobs{queue="bulk_update",state="waiting"}')).toBe(1);
    expect(values.get('backlot_jobs_completed_total{queue="default"}')).toBe(1);
    expect(values.get('backlot_jobs_failed_total{queue="default"}')).toBe(1);
    expect(values.get('backlot_jobs_completed_total{queue="bulk_update"}')).toBe(0);
    expect(values.get('backlot_job_duration_seconds_count{queue="default",job_class="PingJob"}')).toBe(1);
    const median = values.get(
      'backlot_job_duration_seconds{quantile="0.5",queue="default",job_class="PingJob"}',
    );
    expect(median).toBeGreaterThan(0.01);
    expect(median).toBeLessThan(5);
    expect(res.text).toContain('# TYPE backlot_job_duration_seconds summary');
    expect(res.text).toContain('# TYPE backlot_jobs_completed_total counter');
    expect(res.text).not.toContain(EVIL_NAME);
  });

  it("GET /metrics: jobs waiting in the outbox and the oldest one's age", async () => {
    const empty = samples((await request(web().app).get('/metrics').expect(200)).text);
    expect(empty.get('backlot_outbox_jobs')).toBe(0);
    expect(empty.get('backlot_outbox_oldest_age_seconds')).toBe(0);
    await web().db.$executeRawUnsafe(
      `INSERT INTO job_outbox (job_id, queue, name, data, opts, created_at) VALUES ('outbox-web-1', 'default', 'PingJob', '{}', '{}', now() - interval '5 seconds'), ('outbox-web-2', 'default', 'PingJob', '{}', '{}', now())`,
    );
    const values = samples((await request(web().app).get('/metrics').expect(200)).text);
    expect(values.get('backlot_outbox_jobs')).toBe(2);
    expect(values.get('backlot_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(5);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789';
  const web = useWebApp({ metricsToken: token }, 'web-metrics-token');

  it('answers 401 with a Bearer challenge without the token or with a wrong one', async () => {
    const missing = await request(web().app).get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(missing.body).toEqual({ error: '/metrics needs Authorization: Bearer <METRICS_TOKEN>' });
    await request(web().app).get('/metrics').set('Authorization', `Bearer ${token}x`).expect(401);
    await request(web().app).get('/metrics').set('Authorization', token).expect(401);
  });

  it('serves the metrics for Authorization: Bearer <token>; the probes stay open', async () => {
    const res = await request(web().app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.text).toContain('backlot_queue_jobs{queue="default",state="waiting"}');
    await request(web().app).get('/healthz').expect(200);
  });
});

describe('/readyz when a service is down', () => {
  const deadRedis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 500 });
  deadRedis.on('error', () => undefined);
  const deadPostgres = createPrismaClient('postgresql://postgres@127.0.0.1:1/nothing');
  const scope = useRedisPrefix('web-dead');
  let live: RedisConnection;
  let adapter: BullmqAdapter;

  beforeAll(() => {
    live = scope.connection();
    adapter = new BullmqAdapter({ connection: live, prefix: scope.prefix });
  });
  afterAll(async () => {
    deadRedis.disconnect();
    await deadPostgres.$disconnect().catch(() => undefined);
    await adapter.close();
  });

  const app = (redis: RedisConnection, prisma: ReturnType<typeof createPrismaClient>) =>
    createApp({
      prisma,
      redis,
      queues: adapter,
      queueNames: QUEUE_NAMES,
      sessionSecret: 'x'.repeat(32),
      keyPrefix: `${scope.prefix}:web:`,
      readinessTimeoutMs: 500,
    });

  it('answers 503 naming Redis when Redis does not answer', async () => {
    const res = await request(app(deadRedis, testPrisma())).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unavailable');
    expect(res.body.checks.postgresql).toBe('ok');
    expect(res.body.checks.redis).toMatch(/^unavailable: /);
  });

  it('answers 503 naming PostgreSQL when PostgreSQL does not answer', async () => {
    const res = await request(app(live, deadPostgres)).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toMatchObject({
      redis: 'ok',
      postgresql: expect.stringMatching(/^unavailable: /) as unknown,
    });
  });

  it('still answers /healthz, which only says the process is up', async () => {
    await request(app(deadRedis, deadPostgres)).get('/healthz').expect(200);
  });
});
