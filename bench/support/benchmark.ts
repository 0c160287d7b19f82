/**
 * The contract between bench/run.ts and a benchmark module (bench/NAME.bench.ts).
 *
 * A benchmark module default-exports a Benchmark: its flags (with defaults) and run(), which
 * returns every figure in `metrics`, the headline `ratio` (null when it compares nothing) and the
 * rows of the table printed for people. Targets are information only: run.ts never fails on them.
 *
 * Example:
 *   export default defineBenchmark({ description: '...', flags: { jobs: { default: 1000, description: '...' } },
 *     async run(ctx) { return { metrics: {}, ratio: null, rows: [] } } })
 */
import { performance } from 'node:perf_hooks';

export interface FlagSpec {
  default: number;
  description: string;
  /** Smallest accepted value. @defaultValue 0 */
  min?: number;
}

export interface BenchContext {
  /** Flag values (defaults filled in). */
  flags: Record<string, number>;
  redisUrl: string;
  /** Progress lines (stderr), so stdout keeps the table. */
  log(message: string): void;
  /** Full garbage collection, so one side does not pay for the other's garbage. */
  gc(): void;
}

export interface BenchRow {
  section: string;
  metric: string;
  value: string;
  target?: string;
  /** undefined: no target. */
  pass?: boolean;
}

export interface BenchResult {
  metrics: Record<string, unknown>;
  ratio: number | null;
  rows: BenchRow[];
  notes?: string[];
  /** Files to write, by path under the project root (e.g. the throughput plot, docs/throughput.svg). */
  files?: Record<string, string>;
}

export interface Benchmark {
  description: string;
  flags: Record<string, FlagSpec>;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark;
}

/** Wall-clock milliseconds comparable across processes (performance.timeOrigin + performance.now()). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
