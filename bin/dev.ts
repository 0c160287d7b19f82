/**
 * bin/dev: runs every process role of the app in the foreground: the web app (bin/web), the
 * worker pools (bin/worker, restarted when a file under jobs/, app/ or config/ changes) and the
 * clock (bin/cron). Ctrl-C stops them all gracefully; a role that exits stops the others.
 *
 * Output: on a terminal, readable lines (pino-pretty: local times, colour) with the role in front
 * ("web", "worker default:8", "worker bulk_update", "cron"); the roles' JSON lines as written when
 * stdout is not a terminal or LOG_FORMAT=json (LOG_FORMAT=pretty forces the readable form). Start-up
 * ends, once every role has logged that it is up (app/cli/dev/ready.ts), with the URL and how to
 * sign in.
 * DEV_WATCH="jobs app config" names the paths whose changes restart the workers ("": none).
 *
 * Example: bin/dev        LOG_FORMAT=json bin/dev | jq .msg
 */
import { prettyLines } from '../app/cli/dev/pretty-lines';
import { readyLines, startupWatch } from '../app/cli/dev/ready';
import { devRoles, startRoles } from '../app/cli/dev/roles';
import { boot } from '../config/boot';
import { env } from '../config/env';
import { PROJECT_ROOT } from '../config/project-root';
import { QUEUE_NAMES } from '../config/queues';

/** How long start-up waits for every role to say it is up before saying which did not. */
const READY_TIMEOUT_MS = 90_000;
const DEFAULT_WATCH = 'jobs app config';

await boot(async () => {
  const e = env();
  const format = e.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const colour = format === 'pretty' && process.stdout.isTTY && !process.env.NO_COLOR;
  const watch = process.env.DEV_WATCH ?? DEFAULT_WATCH;
  const say = (line: string) => process.stderr.write(`bin/dev: ${line}\n`);
  const roles = devRoles(watch);
  const startup = startupWatch(QUEUE_NAMES, READY_TIMEOUT_MS);
  const running = startRoles(roles, {
    root: PROJECT_ROOT,
    format: format === 'pretty' ? prettyLines({ colour }) : undefined,
    onLine: (line) => startup.observe(line),
  });
  say(`running ${roles.map((r) => r.name).join(', ')}; Ctrl-C stops them`);

  let stopping = false;
  const stop = async (status: number) => {
    if (stopping) {
      // A second Ctrl-C: the roles take a second SIGTERM as "stop at once".
      await running.stop();
      return;
    }
    stopping = true;
    await running.stop();
    process.exit(status);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // The terminal closed: its roles, in sessions of their own, would not hear of it otherwise.
  process.on('SIGHUP', () => void stop(0));

  const url = `http://127.0.0.1:${e.PORT}`;
  void startup.ready.then((up) => {
    if (stopping) return;
    if (!up) {
      say(`not up within ${READY_TIMEOUT_MS / 1000} s: ${startup.missing().join(', ')}`);
      return;
    }
    const lines = readyLines({
      url,
      adminPasswordSet: e.ADMIN_PASSWORD !== undefined,
      watching: watch.trim() !== '',
    });
    for (const line of lines) say(line);
  });

  const first = await running.exited;
  if (stopping) return;
  say(`${first.role} exited (${first.signal ?? `status ${first.code}`}); stopping the others`);
  await stop(first.code ?? 1);
});
