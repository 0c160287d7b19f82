/**
 * Probes for load balancers and monitoring: /healthz (the process answers), /readyz (Redis and
 * PostgreSQL answer through the app's own connections, each within READINESS_TIMEOUT_MS; 503
 * naming the one that did not), /metrics (Prometheus text, admin/prometheus.ts; with a metrics token,
 * only for `Authorization: Bearer <token>`, compared in constant time; else 401).
 *
 * Example: GET /readyz -> 503 {"status":"unavailable","checks":{"redis":"unavailable: ECONNREFUSED","postgresql":"ok"}}
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { RedisConnection } from '../../framework/index';
import type { AppPrismaClient } from '../../db/client';
import { readOutboxStatus, type BullmqAdapter } from '../../framework/index';
import { outboxQueryable } from '../../db/job-outbox.repository';
import { prometheusMetrics } from '../admin/prometheus';

/** How long each readiness check may take. @defaultValue 1000 ms */
export const READINESS_TIMEOUT_MS = 1_000;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const text =
    typeof e.code === 'string' ? e.code : typeof e.message === 'string' ? e.message : String(error);
  return `unavailable: ${text.split('\n')[0]?.slice(0, 120)}`;
}

async function check(work: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  try {
    await within(work(), timeoutMs);
    return 'ok';
  } catch (error) {
    return describe(error);
  }
}

export interface HealthDeps {
  redis: RedisConnection;
  prisma: AppPrismaClient;
  queues: BullmqAdapter;
  queueNames: readonly string[];
  readinessTimeoutMs?: number;
  /** Bearer token /metrics requires. @defaultValue undefined (open) */
  metricsToken?: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request carries `Authorization: Bearer <token>` (constant-time comparison of digests). */
function hasBearer(header: string | undefined, tokenDigest: Buffer): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), tokenDigest);
}

export function healthController(deps: HealthDeps) {
  const timeoutMs = deps.readinessTimeoutMs ?? READINESS_TIMEOUT_MS;
  const healthz: RequestHandler = (_req, res) => {
    res.json({ status: 'ok' });
  };
  const readyz: RequestHandler = async (_req, res) => {
    const [redis, postgresql] = await Promise.all([
      check(() => deps.redis.ping(), timeoutMs),
      check(() => deps.prisma.$queryRaw`SELECT 1`, timeoutMs),
    ]);
    const ok = redis === 'ok' && postgresql === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: { redis, postgresql } });
  };
  const metricsTokenDigest = deps.metricsToken === undefined ? undefined : digest(deps.metricsToken);
  const metrics: RequestHandler = async (req, res) => {
    if (metricsTokenDigest && !hasBearer(req.headers.authorization, metricsTokenDigest)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .json({ error: '/metrics needs Authorization: Bearer <METRICS_TOKEN>' });
      return;
    }
    const { contentType, body } = await prometheusMetrics(deps.queues, deps.queueNames, () =>
      readOutboxStatus(outboxQueryable(deps.prisma), deps.queues.prefix),
    );
    res.type(contentType).send(body);
  };
  return { healthz, readyz, metrics };
}
