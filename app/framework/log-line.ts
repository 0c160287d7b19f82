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
 * Why: two lines per job through pino's LOG/write/asJson cost a worker more per job than the
 * rest of the framework (npm run bench -- throughput, --log-warn 1 shows the difference).
 *
 * Example: const write = plainLineWriter(logger);
 *          write?.(30, `,"event":"start","jobId":${JSON.stringify(id)}`, JSON.stringify('Performing X'))
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { pino, type Logger } from 'pino';

/** The fields a fast line may carry (pino must have no serializer for them). */
export const LINE_FIELDS = ['event', 'jobId', 'jobClass', 'queue', 'attempt', 'durationMs'] as const;

/**
 * Writes one line: `fields` is the serialized fields (of LINE_FIELDS), each as `,"key":value`;
 * `quotedMessage` the message as a JSON string (quotes included).
 */
export type LineWriter = (level: number, fields: string, quotedMessage: string) => void;

/** pino's internal symbols (pino.symbols; msgPrefixSym is missing from its types). */
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

/** pino's default time field, built once per millisecond (a busy worker writes dozens of lines per ms). */
function epochTimeOncePerMs(): () => string {
  let at = -1;
  let field = '';
  return () => {
    const now = Date.now();
    if (now !== at) {
      at = now;
      field = `,"time":${now}`;
    }
    return field;
  };
}

function makeWriter(internals: Internals): LineWriter {
  const at = <T>(name: string) => internals[sym[name] as symbol] as T;
  const levels = at<Record<number, string>>('lsCacheSym');
  const time = at<() => string>('timeSym') === pino.stdTimeFunctions.epochTime ? epochTimeOncePerMs() : at<() => string>('timeSym').bind(internals);
  const bindings = at<string>('chindingsSym');
  const messageKey = `,${JSON.stringify(at<string | undefined>('messageKeySym') ?? 'msg')}:`;
  const end = at<string>('endSym');
  const stream = at<Stream>('streamSym');
  return (level, fields, quotedMessage) => {
    stream.write(`${levels[level]}${time()}${bindings}${fields}${messageKey}${quotedMessage}${end}`);
  };
}

const writers = new WeakMap<Logger, LineWriter | null>();

/**
 * A fast writer for plain lines of this logger, or undefined when the logger is configured
 * beyond what it reproduces (then log through the logger itself). The caller checks the level.
 */
export function plainLineWriter(logger: Logger): LineWriter | undefined {
  if (asJsonChannel.hasSubscribers) return undefined;
  let writer = writers.get(logger);
  if (writer === undefined) {
    const internals = logger as unknown as Internals;
    writer = isPlain(internals) ? makeWriter(internals) : null;
    writers.set(logger, writer);
  }
  return writer ?? undefined;
}
