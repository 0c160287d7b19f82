/**
 * Bad input never answers 5xx: a fuzz over every route of the app (walked from express's router
 * stack, so routes added later are covered too) as every user level, sending in the path, the
 * query and the body the values that once reached PostgreSQL or Prisma and failed there: NUL bytes
 * (PostgreSQL 22021), lone surrogates in JSON strings, malformed percent-encoding, ids above
 * 2^31-1 and page numbers past any integer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureBacklot, EventBroker, TestAdapter } from '../../app/framework/index';
import type { UserLevel } from '../../app/db/generated/enums';
import { createLiveEvents, type LiveEvents } from '../../app/web/live/index';
import { QUEUE_NAMES } from '../../config/queues';
import { apiToken, createUser, signIn, useWebApp, type Agent } from './support';

interface RouteSpec {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  name?: string;
}

/** Every route of an express app: method and path pattern (a mounted sub-app as `<mount>/:rest`). */
function routesOf(stack: readonly Layer[], prefix = ''): RouteSpec[] {
  const out: RouteSpec[] = [];
  for (const layer of stack) {
    const paths = (Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath]).map(String);
    if (layer.route) {
      const routePaths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
        for (const path of routePaths) out.push({ method, path: `${prefix}${String(path)}` });
    } else if (layer.handle?.stack) {
      for (const mount of paths)
        out.push(...routesOf(layer.handle.stack, prefix + (mount === '/' ? '' : mount)));
    } else if (layer.name === 'mounted_app') {
      for (const mount of paths) out.push({ method: 'get', path: `${prefix}${mount}/:rest` });
    }
  }
  return out;
}

/** Raw (already percent-encoded) path segments. */
const BAD_PATH = ['a%00b', '%ED%A0%80', '%E0%A4%A', '2147483648', '99999999999999999999999', '-1'];
/** Query values (already percent-encoded). */
const BAD_QUERY = ['a%00b', '%ED%A0%80', '%E0%A4%A', '2147483648', '99999999999999999999999', '1e400'];
/** JSON body values. */
const BAD_JSON: unknown[] = [
  'a\u0000b',
  'x\uDC00y',
  2147483648,
  1e300,
  ['a\u0000'],
  { nested: '\u0000' },
  true,
];
const QUERY_FIELDS = [
  'page',
  'limit',
  'userId',
  'hours',
  'queue',
  'state',
  'status',
  'name',
  'category',
  'order',
  'next',
  'hideEmpty',
  'topics',
  'lastEventId',
];
const BODY_FIELDS = [
  'name',
  'password',
  'next',
  'tagString',
  'confirmed',
  'content',
  'postId',
  'title',
  'reason',
  'script',
];
/** Routes that sign the agent out or in: it signs in again after each. */
const SESSION_ROUTES = new Set([
  'post /logout',
  'delete /api/session',
  'post /login',
  'post /api/session',
  'post /signup',
  'post /api/users',
]);

const LEVELS: Array<UserLevel | 'anonymous'> = ['anonymous', 'member', 'builder', 'moderator', 'admin'];

describe('bad input answers 4xx on every route, never 5xx', () => {
  const broker = new EventBroker();
  let live: LiveEvents | undefined;
  const lazyLive: LiveEvents = {
    handler: (req, res, next) => live?.handler(req, res, next),
    get clientCount() {
      return live?.clientCount ?? 0;
    },
    close: () => live?.close() ?? Promise.resolve(),
  };
  const web = useWebApp(
    { live: lazyLive, loginLimits: { perName: 1e6, perIp: 1e6 }, signupLimits: { perIp: 1e6 } },
    'web-bad-input',
    { truncate: 'once' },
  );
  let server: Server;
  let real: Record<string, string> = {};

  beforeAll(async () => {
    configureBacklot({ adapter: new TestAdapter(), queues: QUEUE_NAMES });
    live = createLiveEvents({ broker, heartbeatMs: 60_000 });
    server = createServer(web().app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const db = web().db;
    const victim = await createUser(db, 'victim');
    const post = await db.post.create({ data: {} });
    const tag = await db.tag.create({ data: { name: 'fuzz_tag' } });
    const bur = await db.bulkUpdateRequest.create({ data: { userId: victim.id, script: 'alias a -> b' } });
    real = {
      posts: String(post.id),
      users: String(victim.id),
      tags: String(tag.id),
      bulk_update_requests: String(bur.id),
    };
    expect((server.address() as AddressInfo).port).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await live?.close();
    await new Promise((resolve) => server.close(resolve));
    await broker.close();
  });

  /** The path with every parameter replaced: by `value`, or by a real record's id. */
  function fill(pattern: string, value?: string): string {
    const resource = pattern.split('/').find((s) => s && s !== 'api' && !s.startsWith(':')) ?? '';
    return pattern.replace(/:(\w+)/g, (_m, name: string) => {
      if (value !== undefined) return value;
      if (name === 'action') return 'retry';
      if (name === 'postId') return real.posts ?? '1';
      return real[resource] ?? '1';
    });
  }

  it('says what was wrong: the field with a NUL byte or a lone surrogate, the path, the id out of range', async () => {
    const agent = request.agent(server);
    const token = await apiToken(agent);
    const post = (body: object) => agent.post('/api/session').set('X-CSRF-Token', token).send(body);
    expect((await post({ name: 'a\u0000b', password: 'x' })).body).toEqual({
      error: 'name contains a NUL byte',
    });
    expect((await post({ name: 'ok', tags: ['\uD800'] })).body).toEqual({
      error: 'tags.0 contains a lone UTF-16 surrogate (not valid Unicode text)',
    });
    const path = await agent.get('/api/tags/a%00b');
    expect([path.status, path.body]).toEqual([400, { error: 'the path contains a NUL byte' }]);
    const query = await agent.get('/api/posts?page=a%00b');
    expect([query.status, query.body]).toEqual([400, { error: 'page contains a NUL byte' }]);
    expect((await agent.get('/api/posts/2147483648')).status).toBe(404);
    expect((await agent.get('/api/posts/2147483647')).status).toBe(404);
    const far = await agent.get('/api/posts?page=99999999999999999999999');
    expect(far.status).toBe(422); // Danbooru's limit: deep pages are refused, not computed
    expect(JSON.stringify(far.body)).toContain('You cannot go beyond page');
  });

  it("answers JSON under /api whatever the path's case (express routes /API/posts there too)", async () => {
    const agent = request.agent(server);
    for (const path of ['/API/posts/abc', '/Api/tags/a%00b', '/API/ADMIN/jobs', '/api/POSTS/abc']) {
      const res = await agent.get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type'], path).toMatch(/^application\/json/);
      expect(typeof (res.body as { error?: unknown }).error, path).toBe('string');
    }
    expect((await agent.get('/API/uploads/1')).status).toBe(401);
    expect((await agent.get('/Posts/abc')).headers['content-type']).toMatch(/^text\/html/);
  });

  it('as every user level', { timeout: 600_000 }, async () => {
    const routes = routesOf((web().app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(routes.length).toBeGreaterThan(60);
    const failures: string[] = [];

    for (const level of LEVELS) {
      const user = level === 'anonymous' ? undefined : await createUser(web().db, `fuzz_${level}`, level);
      const agent: Agent = request.agent(server);
      let token = user ? await signIn(agent, user) : await apiToken(agent);
      /** After a sign-in or sign-out route: sign in again when the agent was signed out. */
      const renew = async () => {
        const now = await agent.get('/api/session');
        const body = now.body as { user: unknown; csrfToken: string };
        if (user && body.user === null) token = await signIn(agent, user);
        else token = body.csrfToken;
      };
      const send = async (
        method: string,
        path: string,
        what: string,
        body?: { json?: unknown; form?: string },
      ) => {
        let req = agent[method as 'get'](path).timeout(10_000);
        if (method !== 'get') req = req.set('X-CSRF-Token', token);
        if (body?.json !== undefined) req = req.send(body.json as object);
        else if (body?.form !== undefined) req = req.type('form').send(body.form);
        const res = await req.catch((error: { status?: number; message: string }) => ({
          status: error.status ?? 599,
          text: error.message,
        }));
        if (res.status >= 500)
          failures.push(`${level} ${method.toUpperCase()} ${path} ${what} -> ${res.status}`);
      };

      for (const { method, path } of routes) {
        const session = SESSION_ROUTES.has(`${method} ${path}`);
        const after = session ? renew : () => Promise.resolve();
        if (path.includes(':'))
          for (const value of BAD_PATH) {
            await send(
              method,
              fill(path, value),
              `(path ${value})`,
              method === 'get' ? undefined : { json: {} },
            );
            await after();
          }
        if (method === 'get') {
          for (const value of BAD_QUERY) {
            const query = QUERY_FIELDS.map((f) => `${f}=${value}`).join('&');
            await send(method, `${fill(path)}?${query}`, `(query ${JSON.stringify(value).slice(0, 30)})`);
          }
          continue;
        }
        for (const value of BAD_JSON) {
          const json = Object.fromEntries(BODY_FIELDS.map((f) => [f, value]));
          await send(method, fill(path), `(json ${JSON.stringify(value)})`, { json });
          await after();
        }
        const form = BODY_FIELDS.map((f) => `${f}=a%00b`).join('&');
        await send(method, fill(path), '(form NUL)', { form });
        await after();
      }
    }
    expect(failures).toEqual([]);
  });
});
