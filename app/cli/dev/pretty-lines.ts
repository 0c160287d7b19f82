/**
 * bin/dev's readable log lines: each JSON line a role writes, formatted by pino-pretty (local
 * time, level, message, the fields the message does not already say), behind the role that wrote
 * it ("web", "worker default:8", "worker bulk_update", "cron"), coloured per role. Lines that are
 * not JSON (a crash's stack, a tool's output) keep their text behind the role that printed them.
 *
 * Steps: parse the line (JSON objects only); take its role field, else the spawned role's name;
 * pretty-print without pid, hostname, role and the job fields the messages repeat; put the role,
 * padded to the widest seen, before the first line and blanks of that width before the others.
 *
 * Example: const print = prettyLines({ colour: true }); out.write(print(line, 'worker'))
 *   -> "worker default:8   [10:42:07.311] INFO: Performed PingJob (Job ID: 3f…) from default in 1.2ms\n"
 */
import { prettyFactory } from 'pino-pretty';

/** Fields every job line has and its message already says (Performed X (Job ID: …) from Q in 1.2ms). */
const HIDDEN_FIELDS = [
  'pid',
  'hostname',
  'role',
  'event',
  'jobId',
  'jobClass',
  'queue',
  'attempt',
  'durationMs',
];

/** ANSI foreground colours (the caller decided that colour is wanted: a terminal, no NO_COLOR). */
const COLOURS = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
type Colour = keyof typeof COLOURS;
const WORKER_COLOURS: Colour[] = ['magenta', 'yellow', 'blue', 'red'];

const paint = (colour: Colour, text: string) => `\u001b[${COLOURS[colour]}m${text}\u001b[39m`;

function colourOf(role: string, workers: Map<string, Colour>): Colour {
  if (role.startsWith('web')) return 'cyan';
  if (role.startsWith('cron')) return 'green';
  let colour = workers.get(role);
  if (!colour) {
    colour = WORKER_COLOURS[workers.size % WORKER_COLOURS.length] ?? 'magenta';
    workers.set(role, colour);
  }
  return colour;
}

function parsed(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A formatter of one line (without its newline) from the role spawned as `source`; returns text ending in a newline. */
export function prettyLines(options: { colour: boolean }): (line: string, source: string) => string {
  const pretty = prettyFactory({
    colorize: options.colour,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: HIDDEN_FIELDS.join(','),
    singleLine: true,
  });
  const workers = new Map<string, Colour>();
  let width = 'worker bulk_update'.length;
  return (line, source) => {
    const record = parsed(line);
    const role = typeof record?.role === 'string' ? record.role : source;
    width = Math.max(width, role.length);
    const text = record ? pretty(record).trimEnd() : line;
    const label = role.padEnd(width);
    const head = options.colour ? paint(colourOf(role, workers), label) : label;
    const [first = '', ...rest] = text.split('\n');
    return `${[`${head}  ${first}`, ...rest.map((more) => `${' '.repeat(width)}  ${more}`)].join('\n')}\n`;
  };
}
