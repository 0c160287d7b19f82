/**
 * The end of bin/dev's start-up: once the roles have said they are up, say where the app is and
 * how to sign in.
 *
 * Steps: startupWatch() reads the roles' JSON log lines as bin/dev relays them and notes the web
 * app listening ("Web server listening on ..."), the clock started ("Clock started ...") and, per
 * queue, a pool started ("Worker started for pool Q:N", role "worker Q:N"); `ready` resolves once
 * all have been seen (true) or after the timeout (false; `missing()` says what was not). Lines, not
 * probes: a probe can answer a moment before the role's own line is out, and start-up should end
 * after the last start-up line. readyLines() is the text.
 *
 * Example: const watch = startupWatch(['default', 'bulk_update'], 90_000); ... onLine: watch.observe
 *          if (await watch.ready) for (const line of readyLines({ url, adminPasswordSet, watching })) say(line)
 */

export interface StartupWatch {
  /** Feed one line a role wrote (non-JSON lines are ignored). */
  observe(line: string): void;
  ready: Promise<boolean>;
  /** What has not said it is up yet: "web", "cron", "a worker for bulk_update". */
  missing(): string[];
}

const POOL_STARTED = /^Worker started for pool (\S+)$/;

function parsed(line: string): { role?: unknown; msg?: unknown } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as { role?: unknown; msg?: unknown };
  } catch {
    return undefined;
  }
}

export function startupWatch(queues: readonly string[], timeoutMs: number): StartupWatch {
  let web = false;
  let cron = false;
  const served = new Set<string>();
  let settle: (value: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (settle = resolve));
  const timer = setTimeout(() => settle(false), timeoutMs);
  timer.unref();
  const missing = () => [
    ...(web ? [] : ['web']),
    ...(cron ? [] : ['cron']),
    ...queues.filter((q) => !served.has(q) && !served.has('*')).map((q) => `a worker for ${q}`),
  ];
  return {
    ready,
    missing,
    observe(line) {
      const record = parsed(line);
      if (typeof record?.msg !== 'string') return;
      if (record.role === 'web' && record.msg.startsWith('Web server listening')) web = true;
      else if (record.role === 'cron' && record.msg.startsWith('Clock started')) cron = true;
      else {
        const pool = POOL_STARTED.exec(record.msg)?.[1];
        if (pool) for (const queue of (pool.split(':')[0] ?? '').split(',')) served.add(queue);
      }
      if (missing().length === 0) {
        clearTimeout(timer);
        settle(true);
      }
    },
  };
}

/** The lines that end start-up: the URLs and how to sign in as the seeded admin. */
export function readyLines(options: { url: string; adminPasswordSet: boolean; watching: boolean }): string[] {
  const password = options.adminPasswordSet
    ? 'the password in ADMIN_PASSWORD'
    : 'the password bin/setup printed (ADMIN_PASSWORD=... bin/setup sets a new one)';
  return [
    `Backlot is running: ${options.url} (jobs dashboard: ${options.url}/admin/jobs)`,
    `Sign in at ${options.url}/login as admin with ${password}, or sign up at ${options.url}/signup`,
    `${options.watching ? 'Workers restart when a job file changes; ' : ''}Ctrl-C stops everything`,
  ];
}
