/**
 * The web app under test: createApp on this worker's test database and a Redis key prefix of the
 * file's own (sessions, rate limits and queues all under it), plus helpers to make users of each
 * level, sign in a supertest agent and read CSRF tokens.
 *
 * Example:
 *   const web = useWebApp();
 *   const agent = request.agent(web().app);
 *   const token = await signIn(agent, await createUser(web().db, 'mod', 'moderator'));
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { AppPrismaClient } from '../../app/db/client';
import type { UserLevel } from '../../app/db/generated/enums';
import { BullmqAdapter, type RedisConnection } from '../../app/framework/index';
import { closeDbPool } from '../../app/db/pg-pool';
import { hashPassword } from '../../app/web/auth/password';
import { createApp, type CreateAppOptions } from '../../app/web/create-app';
import { QUEUE_NAMES } from '../../config/queues';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';
import { useRedisPrefix, type RedisScope } from '../support/redis';

export const PASSWORD = 'correct horse battery';

export interface WebTestContext {
  app: Express;
  db: AppPrismaClient;
  adapter: BullmqAdapter;
  redis: RedisConnection;
  scope: RedisScope;
}

export type Agent = ReturnType<typeof request.agent>;

/**
 * Builds the app once for the file; empties the database before each test, or once before the
 * first (`truncate: 'once'`, for files whose tests share users made in beforeAll).
 */
export function useWebApp(
  overrides: Partial<CreateAppOptions> = {},
  label = 'web',
  { truncate = 'each' }: { truncate?: 'each' | 'once' } = {},
): () => WebTestContext {
  const scope = useRedisPrefix(label);
  let context: WebTestContext | undefined;
  beforeAll(() => {
    const redis = scope.connection();
    const adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    const db = testPrisma();
    const app = createApp({
      prisma: db,
      redis,
      queues: adapter,
      queueNames: QUEUE_NAMES,
      sessionSecret: 'test-secret-test-secret-test-secret-0123',
      keyPrefix: `${scope.prefix}:web:`,
      ...overrides,
    });
    context = { app, db, adapter, redis, scope };
  });
  if (truncate === 'each') beforeEach(() => truncateAll());
  else beforeAll(() => truncateAll());
  afterAll(async () => {
    await context?.adapter.close();
    await closeDbPool();
    await disconnectTestPrisma();
  });
  return () => {
    if (!context) throw new Error('useWebApp: the app is built in beforeAll');
    return context;
  };
}

export interface TestUser {
  id: number;
  name: string;
  level: UserLevel;
  password: string;
}

export async function createUser(
  db: AppPrismaClient,
  name: string,
  level: UserLevel = 'member',
  password = PASSWORD,
): Promise<TestUser> {
  const user = await db.user.create({ data: { name, level, passwordHash: await hashPassword(password) } });
  return { id: user.id, name: user.name, level: user.level, password };
}

/** The CSRF token in a page's forms. */
export function formToken(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match?.[1]) throw new Error(`no CSRF field in page:\n${body.slice(0, 500)}`);
  return match[1];
}

/** The agent's current CSRF token (GET /api/session). */
export async function apiToken(agent: Agent): Promise<string> {
  const res = await agent.get('/api/session').expect(200);
  return (res.body as { csrfToken: string }).csrfToken;
}

/** Signs the agent in through the HTML form; resolves the session's new CSRF token. */
export async function signIn(agent: Agent, user: { name: string; password: string }): Promise<string> {
  const page = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({ name: user.name, password: user.password, _csrf: formToken(page.text) })
    .expect(303);
  return apiToken(agent);
}

/** The Set-Cookie header for `name`, or undefined. */
export function setCookie(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const header = res.headers['set-cookie'];
  const cookies = Array.isArray(header) ? (header as string[]) : typeof header === 'string' ? [header] : [];
  return cookies.find((c) => c.startsWith(`${name}=`));
}
