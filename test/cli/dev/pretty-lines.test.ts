import { describe, expect, it } from 'vitest';
import { prettyLines } from '../../../app/cli/dev/pretty-lines';

const at = new Date(2026, 11, 3, 14, 5, 9, 42).getTime(); // local time
const json = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, time: at, pid: 7, ...fields });

describe('prettyLines (bin/dev on a terminal)', () => {
  it('puts the role a line names in front, then local time, level and message, without pid or job fields', () => {
    const print = prettyLines({ colour: false });
    const line = json({
      role: 'worker default:8',
      event: 'finish',
      jobId: 'abc',
      jobClass: 'PingJob',
      queue: 'default',
      attempt: 1,
      durationMs: 1.2,
      msg: 'Performed PingJob (Job ID: abc) from default in 1.2ms',
    });
    expect(print(line, 'worker')).toBe(
      'worker default:8    [14:05:09.042] INFO: Performed PingJob (Job ID: abc) from default in 1.2ms\n',
    );
  });

  it("falls back to the spawned role's name and keeps other fields on the line", () => {
    const print = prettyLines({ colour: false });
    expect(print(json({ msg: 'Web server listening', port: 3000 }), 'web')).toBe(
      'web                 [14:05:09.042] INFO: Web server listening {"port":3000}\n',
    );
  });

  it('keeps a line that is not JSON as it is, behind the role that printed it', () => {
    const print = prettyLines({ colour: false });
    expect(print('Restarting bin/worker.ts', 'worker')).toBe(
      'worker              Restarting bin/worker.ts\n',
    );
  });

  it("indents an error's stack under the message", () => {
    const print = prettyLines({ colour: false });
    const text = print(
      json({
        level: 50,
        role: 'web',
        msg: 'boom',
        err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (a.ts:1)' },
      }),
      'web',
    );
    const [first, ...rest] = text.trimEnd().split('\n');
    expect(first).toBe('web                 [14:05:09.042] ERROR: boom ');
    expect(rest.length).toBeGreaterThan(1);
    for (const more of rest) expect(more.startsWith(' '.repeat(20))).toBe(true);
    expect(text).toContain('at f (a.ts:1)');
  });

  it('colours the role (and pino-pretty the level) when asked', () => {
    const print = prettyLines({ colour: true });
    const escape = String.fromCharCode(27);
    expect(print(json({ role: 'cron', msg: 'Clock started' }), 'cron').startsWith(`${escape}[32mcron`)).toBe(
      true,
    );
  });
});
