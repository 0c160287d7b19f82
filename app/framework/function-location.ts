/**
 * Where a function is defined, as a stack frame's "file:line:column" (source-mapped when the
 * process runs with --enable-source-maps, as bin/ commands do), for errors that carry no stack of
 * their own: a job that throws a string fails with a stack that starts at its perform.
 *
 * Steps (on a failure path only, once per function, then cached): open an in-process inspector
 * session (node:inspector, synchronous), enable the debugger just long enough to learn the
 * scripts' URLs, read the function's [[FunctionLocation]], map it through the script's source map
 * when there is one, close the session. Anything unexpected gives undefined (the caller then names
 * the function without a place).
 *
 * Example: functionLocation(ResizeJob.prototype.perform)  // 'file:///app/jobs/resize.job.ts:12:3'
 */
import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';

interface Location {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

const cache = new WeakMap<object, string | undefined>();
const SLOT = Symbol.for('backlot.functionLocation');

/** Posts a message on an in-thread session, whose answer arrives before post() returns. */
function post<T>(session: Session, method: string, params?: object): T {
  let answer: { error: Error | null; result?: unknown } | undefined;
  session.post(method, params, (error: Error | null, result?: unknown) => (answer = { error, result }));
  if (!answer) throw new Error(`inspector ${method} did not answer synchronously`);
  if (answer.error) throw answer.error;
  return answer.result as T;
}

function locate(fn: object): string | undefined {
  const session = new Session();
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', (message) => scripts.set(message.params.scriptId, message.params.url));
  const global = globalThis as Record<symbol, unknown>;
  try {
    session.connect();
    post(session, 'Debugger.enable');
    global[SLOT] = fn;
    const { result } = post<{ result: { objectId?: string } }>(session, 'Runtime.evaluate', {
      expression: 'globalThis[Symbol.for("backlot.functionLocation")]',
      objectGroup: 'backlot',
    });
    if (!result.objectId) return undefined;
    const { internalProperties } = post<{
      internalProperties?: { name: string; value?: { value?: Location } }[];
    }>(session, 'Runtime.getProperties', { objectId: result.objectId, ownProperties: true });
    const location = internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value;
    const url = location && scripts.get(location.scriptId);
    if (!location || !url) return undefined;
    const mapped = findSourceMap(url)?.findEntry(location.lineNumber, location.columnNumber);
    if (mapped && 'originalSource' in mapped) {
      return `${mapped.originalSource}:${mapped.originalLine + 1}:${mapped.originalColumn + 1}`;
    }
    return `${url}:${location.lineNumber + 1}:${location.columnNumber + 1}`;
  } catch {
    return undefined;
  } finally {
    delete global[SLOT];
    try {
      post(session, 'Debugger.disable');
    } catch {
      // not connected
    }
    session.disconnect();
  }
}

export function functionLocation(fn: object): string | undefined {
  if (!cache.has(fn)) cache.set(fn, locate(fn));
  return cache.get(fn);
}
