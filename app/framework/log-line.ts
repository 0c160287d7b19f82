/**
 * The worker's two per-job log lines (start, finish), written as pino would write them but
 * without pino's generic path: the line is assembled from pino's own pieces (its level prefix,
 * time function, bindings and line end) around fields the caller serializes itself.
 *
 * Steps: plainLineWriter(logger) inspects the logger once (cached per logger) and answers a
 * writer only when pino would add nothing the fast path leaves out: no log formatter, mixin, log
 * hooks, message prefix, nested key, redaction or custom stringifiers, no serializer for the
 * fields used, no destination asking for line metadata (pino.multistream, transports' pretty
 * printing) and no diagnostics-channel tracer on pino's asJson. Otherwise it answers undefined
 * and the caller logs through logger.info as usual. test/framework/log-line.test.ts holds the
 * fast lines byte for byte to pino's own.
 *
 * Every read of pino's non-public symbols is in this module, and only for the pino version they
 * were verified against (VERIFIED_PINO_VERSION; the installed one is read from pino's
 * package.json once at load): with any other version plainLineWriter answers undefined, so the
 * lines take pino's public path (logger.info), which writes the same bytes.
 *
 * Why: two lines per job through pino's LOG/write/asJson cost a worker more per job than the
 * rest of the framework (npm run bench -- throughput, --log-warn 1 shows the difference).
 *
 * Example: plainLineWriter(logger)?.write(30, `,"event":"start","jobId":${JSON.stringify(id)}`, JSON.stringify('Performing X'))
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

/** The pino release whose internals (symbols, line layout) the fast lines were checked against. */
export const VERIFIED_PINO_VERSION = '10.4.0';

/** The installed pino's version, from its package.json (read once). */
export const INSTALLED_PINO_VERSION = (
  createRequire(import.meta.url)('pino/package.json') as { version: string }
).version;

/** The version the gate compares (the installed one; specs set another to take pino's path). */
let gatedVersion = INSTALLED_PINO_VERSION;

/** For specs: gate as if this pino version were installed; returns a function restoring the real one. */
export function gateOnPinoVersion(version: string): () => void {
  gatedVersion = version;
  return () => {
    gatedVersion = INSTALLED_PINO_VERSION;
  };
}

/** Whether pino's internals may be read: only on the exact version verified. */
export function fastLinesSupported(): boolean {
  return gatedVersion === VERIFIED_PINO_VERSION;
}

/** The fields a fast line may carry (pino must have no serializer for them). */
export const LINE_FIELDS = ['event', 'jobId', 'jobClass', 'queue', 'attempt', 'durationMs'] as const;

/**
 * Writes this logger's plain lines. A line is head(level) + serialized fields (each `,"key":value`,
 * of LINE_FIELDS) + messageKey + the message as a JSON string + end: callers that write many lines
 * keep the constant stretches (messageKey and end included) as ready-made pieces, so a line costs a
 * few concatenations (each an object a busy worker collects).
 */
export interface LineWriter {
  /** `{"level":N` + the time field + the logger's bindings; with pino's epoch time, once per ms and level. */
  head(level: number): string;
  /** The message key as pino writes it, comma and colon included: `,"msg":`. */
  readonly messageKey: string;
  /** What closes a line: `}` and pino's line end. */
  readonly end: string;
  /** Writes a line built as above. */
  writeLine(line: string): void;
  /** Builds and writes a line from serialized fields and a JSON-quoted message. */
  write(level: number, fields: string, quotedMessage: string): void;
}

/** pino's internal symbols (pino.symbols; msgPrefixSym is missing from its types). Read only when fastLinesSupported(). */
const sym = pino.symbols as unknown as Record<string, symbol>;

/** pino's own tracing channel around asJson: with a subscriber, lines take pino's path. */
const asJsonChannel = tracingChannel('pino_asJson');

type Internals = Record<symbol, unknown>;

interface Stream {
  write(line: string): unknown;
}

function isPlain(internals: Internals): boolean {
  const at = <T>(name: string) => internals[sym[name] as symbol] as T | undefined;
  const stream = at<Stream & Internals>('streamSym');
  const serializers = at<Record<string, unknown>>('serializersSym') ?? {};
  const stringifiers = at<object>('stringifiersSym');
  const formatters = at<{ log?: unknown }>('formattersSym');
  const hooks = at<{ logMethod?: unknown; streamWrite?: unknown }>('hooksSym');
  return (
    typeof at('timeSym') === 'function' &&
    typeof at('lsCacheSym') === 'object' &&
    typeof at('chindingsSym') === 'string' &&
    typeof at('endSym') === 'string' &&
    typeof stream?.write === 'function' &&
    stream[sym.needsMetadataGsym as symbol] !== true &&
    formatters !== undefined &&
    formatters.log === undefined &&
    at('mixinSym') === undefined &&
    hooks !== undefined &&
    hooks.logMethod === undefined &&
    hooks.streamWrite === undefined &&
    sym.msgPrefixSym !== undefined &&
    at('msgPrefixSym') === undefined &&
    at('nestedKeySym') === null &&
    stringifiers !== undefined &&
    Object.keys(stringifiers).length === 0 &&
    Object.getOwnPropertySymbols(stringifiers).length === 0 &&
    [...LINE_FIELDS, at<string>('messageKeySym') ?? 'msg'].every((key) => serializers[key] === undefined)
  );
}

/**
 * The line heads of pino's default epoch time: rebuilt when the millisecond or the logger's bindings
 * change (logger.setBindings replaces them).
 */
function epochHeads(levels: Record<number, string>, bindings: () => string): (level: number) => string {
  let at = -1;
  let boundTo = '';
  let heads: Record<number, string> = {};
  return (level) => {
    const now = Date.now();
    const current = bindings();
    if (now !== at || current !== boundTo) {
      at = now;
      boundTo = current;
      heads = {};
    }
    return (heads[level] ??= `${levels[level]},"time":${now}${current}`);
  };
}

function makeWriter(internals: Internals): LineWriter {
  const at = <T>(name: string) => internals[sym[name] as symbol] as T;
  const levels = at<Record<number, string>>('lsCacheSym');
  const bindingsSym = sym.chindingsSym as symbol;
  const bindings = () => internals[bindingsSym] as string;
  const timeFunction = at<() => string>('timeSym');
  const head =
    timeFunction === pino.stdTimeFunctions.epochTime
      ? epochHeads(levels, bindings)
      : (level: number) => `${levels[level]}${timeFunction.call(internals)}${bindings()}`;
  const messageKey = `,${JSON.stringify(at<string | undefined>('messageKeySym') ?? 'msg')}:`;
  const end = at<string>('endSym');
  const stream = at<Stream>('streamSym');
  return {
    head,
    messageKey,
    end,
    writeLine: (line) => {
      stream.write(line);
    },
    write: (level, fields, quotedMessage) => {
      stream.write(`${head(level)}${fields}${messageKey}${quotedMessage}${end}`);
    },
  };
}

const writers = new WeakMap<Logger, LineWriter | null>();

/**
 * A fast writer for plain lines of this logger, or undefined when the logger is configured
 * beyond what it reproduces (then log through the logger itself). The caller checks the level.
 */
export function plainLineWriter(logger: Logger): LineWriter | undefined {
  if (asJsonChannel.hasSubscribers || !fastLinesSupported()) return undefined;
  let writer = writers.get(logger);
  if (writer === undefined) {
    const internals = logger as unknown as Internals;
    writer = isPlain(internals) ? makeWriter(internals) : null;
    writers.set(logger, writer);
  }
  return writer ?? undefined;
}
