import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino, type LoggerOptions } from 'pino';
import {
  gateOnPinoVersion,
  INSTALLED_PINO_VERSION,
  plainLineWriter,
  VERIFIED_PINO_VERSION,
} from '../../app/framework/log-line';

/** A pino logger writing into an array, with a fixed time so two lines can be compared byte for byte. */
function capture(options: LoggerOptions = {}) {
  const written: string[] = [];
  const logger = pino(
    { base: { pid: 4242 }, timestamp: () => ',"time":1700000000000', ...options },
    { write: (line: string) => written.push(line) },
  );
  return { logger, written };
}

const FIELDS = {
  event: 'start',
  jobId: 'a"b\\c\u00e9\n',
  jobClass: 'ResizeJob',
  queue: 'images',
  attempt: 2,
  durationMs: 12.345678,
};
const SERIALIZED = `,"event":"start","jobId":${JSON.stringify(FIELDS.jobId)},"jobClass":"ResizeJob","queue":"images","attempt":2,"durationMs":12.345678`;
const MESSAGE = 'Performed ResizeJob (Job ID: "quoted" \\ 100%) from images';

describe('plainLineWriter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes exactly the line pino writes for the same fields and message', () => {
    const ours = capture();
    const pinos = capture();
    plainLineWriter(ours.logger)?.write(30, SERIALIZED, JSON.stringify(MESSAGE));
    pinos.logger.info(FIELDS, MESSAGE);
    expect(ours.written).toHaveLength(1);
    expect(ours.written[0]).toBe(pinos.written[0]);
  });

  it("keeps a child logger's bindings and a custom message key, as pino does", () => {
    const ours = capture({ messageKey: 'message' });
    const pinos = capture({ messageKey: 'message' });
    plainLineWriter(ours.logger.child({ role: 'worker', pool: 'default' }))?.write(
      30,
      SERIALIZED,
      JSON.stringify(MESSAGE),
    );
    pinos.logger.child({ role: 'worker', pool: 'default' }).info(FIELDS, MESSAGE);
    expect(ours.written[0]).toBe(pinos.written[0]);
    expect(JSON.parse(ours.written[0] ?? '')).toMatchObject({
      role: 'worker',
      message: MESSAGE,
      jobId: FIELDS.jobId,
    });
  });

  /** Two loggers with pino's epoch time at a fixed clock: ours writes through the fast writer, the other through pino. */
  function epochPair() {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_795_000_000_123 });
    const ours = capture({ timestamp: pino.stdTimeFunctions.epochTime });
    const pinos = capture({ timestamp: pino.stdTimeFunctions.epochTime });
    const write = plainLineWriter(ours.logger);
    const lineEach = () => {
      write?.write(30, SERIALIZED, JSON.stringify(MESSAGE));
      pinos.logger.info(FIELDS, MESSAGE);
    };
    return { ours, pinos, lineEach };
  }

  it("writes pino's default time field (epoch ms, built once per millisecond) as pino does", () => {
    const { ours, pinos, lineEach } = epochPair();
    lineEach();
    vi.setSystemTime(1_795_000_000_124);
    lineEach();
    expect(ours.written).toEqual(pinos.written);
    expect(ours.written.map((line) => (JSON.parse(line) as { time: number }).time)).toEqual([
      1_795_000_000_123, 1_795_000_000_124,
    ]);
  });

  it('follows bindings set after its first line (logger.setBindings), as pino does', () => {
    const { ours, pinos, lineEach } = epochPair();
    lineEach();
    ours.logger.setBindings({ pool: 'bulk_update' });
    pinos.logger.setBindings({ pool: 'bulk_update' });
    lineEach();
    expect(ours.written).toEqual(pinos.written);
    expect(JSON.parse(ours.written[1] ?? '{}')).toMatchObject({ pool: 'bulk_update' });
  });

  it('writes the level pino would for the number given', () => {
    const ours = capture();
    const pinos = capture();
    plainLineWriter(ours.logger)?.write(40, SERIALIZED, JSON.stringify(MESSAGE));
    pinos.logger.warn(FIELDS, MESSAGE);
    expect(ours.written[0]).toBe(pinos.written[0]);
  });

  it.each<[string, LoggerOptions]>([
    ['a mixin', { mixin: () => ({ requestId: 1 }) }],
    ['a log formatter', { formatters: { log: (object) => ({ ...object, formatted: true }) } }],
    ['redaction', { redact: ['jobId'] }],
    ['a logMethod hook', { hooks: { logMethod: (args, method) => method.apply(pino(), args) } }],
    ['a message prefix', { msgPrefix: '[backlot] ' }],
    ['a nested key', { nestedKey: 'payload' }],
    ['a serializer for one of the fields', { serializers: { jobId: (id: string) => id.slice(0, 8) } }],
  ])('declines a logger with %s (the caller then logs through pino)', (_what, options) => {
    expect(plainLineWriter(capture(options).logger)).toBeUndefined();
  });

  it('declines a destination that asks pino for line metadata (pino.multistream)', () => {
    const lines: string[] = [];
    const logger = pino({}, pino.multistream([{ stream: { write: (line: string) => lines.push(line) } }]));
    expect(plainLineWriter(logger)).toBeUndefined();
  });

  it('is verified against the installed pino (on an upgrade: re-run these specs, then bump VERIFIED_PINO_VERSION)', () => {
    expect(INSTALLED_PINO_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(INSTALLED_PINO_VERSION).toBe(VERIFIED_PINO_VERSION);
  });

  it.each(['10.4.1', '9.14.0', '11.0.0'])(
    "declines any other pino version (%s), reading none of pino's internals",
    (version) => {
      const restore = gateOnPinoVersion(version);
      try {
        const { logger } = capture();
        expect(plainLineWriter(logger)).toBeUndefined();
      } finally {
        restore();
      }
      expect(plainLineWriter(capture().logger)).toBeDefined();
    },
  );
});
