/**
 * Benchmark runner: `npm run bench -- NAME [--flag value ...]`: package.json builds the benchmarks
 * (bin/build --bench) and runs dist/bench/run.mjs, so they measure the code as production runs it
 * (compiled, no tsx); `npm run bench:tsx -- NAME` runs them from the TypeScript sources.
 *
 * Steps: find bench/NAME.bench.ts (unknown NAME: list the benchmarks, exit 2); parse its flags
 * (--name value or --name=value; unknown or malformed: exit 2); run it; print a table for people;
 * write tmp/bench/NAME.json = { name, machine, date, metrics, ratio } for scripts, and the files the
 * benchmark returns (the throughput plot: docs/throughput.svg).
 * Targets in the table are information: a miss never changes the exit code.
 *
 * Example: npm run bench -- throughput --jobs 5000 --rounds 1
 *          npm run bench -- throughput --help
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable } from '../app/framework/index';
import { PROJECT_ROOT } from '../config/project-root';
import type { BenchRow, Benchmark, FlagSpec } from './support/benchmark';
import { benchRedisUrl, redisVersion } from './support/redis';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = PROJECT_ROOT;
/** npm run bench runs the compiled benchmarks (dist/bench, bin/build --bench); npm run bench:tsx the sources. */
const SUFFIX = import.meta.url.endsWith('.mjs') ? '.bench.mjs' : '.bench.ts';

class UsageError extends Error {}

function availableBenchmarks(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
}

function usage(): string {
  return `Usage: npm run bench -- NAME [--flag value ...]   (NAME --help lists its flags)\nAvailable benchmarks: ${availableBenchmarks().join(', ') || '(none)'}`;
}

function flagHelp(name: string, benchmark: Benchmark): string {
  const lines = Object.entries(benchmark.flags).map(
    ([flag, spec]) => `  --${flag} N`.padEnd(28) + `${spec.description} (default ${spec.default})`,
  );
  return [`${name}: ${benchmark.description}`, '', 'Flags:', ...lines].join('\n');
}

function parseFlags(args: readonly string[], specs: Record<string, FlagSpec>): Record<string, number> {
  const flags: Record<string, number> = Object.fromEntries(
    Object.entries(specs).map(([k, s]) => [k, s.default]),
  );
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}" (flags look like --jobs 1000)`);
    const name = match[1] as string;
    if (!(name in specs))
      throw new UsageError(
        `unknown flag --${name}; known: ${Object.keys(specs)
          .map((k) => `--${k}`)
          .join(', ')}`,
      );
    let raw = match[2];
    if (raw === undefined) {
      raw = args[i + 1];
      i += 1;
    }
    const value = raw === undefined ? Number.NaN : Number(raw.replaceAll('_', ''));
    const min = specs[name]?.min ?? 0;
    if (raw === undefined || raw.trim() === '' || !Number.isInteger(value) || value < min) {
      throw new UsageError(
        `--${name} needs a whole number >= ${min}, got ${raw === undefined ? 'nothing' : `"${raw}"`}`,
      );
    }
    flags[name] = value;
  }
  return flags;
}

/**
 * A full GC between measured sides. V8's gc() comes from `node --expose-gc` on the command line
 * (package.json's bench scripts pass it). Turning the flag on at run time (v8.setFlagsFromString)
 * is undefined behaviour by Node's own docs, and measured so: both sides ran slower and their
 * rates scattered twice as widely, so the runner refuses to measure without it.
 */
function makeGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    throw new UsageError(
      "benchmarks need V8's gc(): run them with `node --expose-gc` (npm run bench / npm run bench:tsx do)",
    );
  }
  return gc;
}

async function machineInfo(redisUrl: string) {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    redisVersion: await redisVersion(redisUrl),
  };
}

function renderRows(rows: readonly BenchRow[]): string {
  const mark = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'PASS' : 'MISS');
  return formatTable(
    rows.map((r) => ({
      section: r.section,
      metric: r.metric,
      value: r.value,
      'target / detail': r.target ?? '',
      result: mark(r.pass),
    })),
    ['section', 'metric', 'value', 'target / detail', 'result'],
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.error(usage());
    return name ? 0 : 2;
  }
  if (!availableBenchmarks().includes(name)) {
    console.error(`Unknown benchmark "${name}".\n${usage()}`);
    return 2;
  }
  const module = (await import(pathToFileURL(join(BENCH_DIR, `${name}${SUFFIX}`)).href)) as {
    default?: Benchmark;
  };
  const benchmark = module.default;
  if (!benchmark || typeof benchmark.run !== 'function') {
    console.error(`bench/${name}${SUFFIX} does not default-export a benchmark (defineBenchmark({...}))`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(flagHelp(name, benchmark));
    return 0;
  }
  let flags: Record<string, number>;
  let gc: () => void;
  try {
    flags = parseFlags(rest, benchmark.flags);
    gc = makeGc();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${name}: ${error.message}\n\n${flagHelp(name, benchmark)}`);
    return 2;
  }

  const redisUrl = benchRedisUrl();
  const machine = await machineInfo(redisUrl);
  const date = new Date().toISOString();
  const started = performance.now();
  console.error(
    `bench ${name}: ${Object.entries(flags)
      .map(([k, v]) => `--${k} ${v}`)
      .join(' ')}`,
  );
  console.error(
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.totalMemGiB} GiB, node ${machine.node}, redis ${machine.redisVersion}`,
  );
  const result = await benchmark.run({
    flags,
    redisUrl,
    log: (message) => console.error(`  ${message}`),
    gc,
  });
  const seconds = (performance.now() - started) / 1000;

  const out = join(ROOT, 'tmp', 'bench', `${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const report = {
    name,
    machine,
    date,
    metrics: { ...result.metrics, durationSeconds: Number(seconds.toFixed(1)) },
    ratio: result.ratio,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  const written = Object.entries(result.files ?? {}).map(([path, content]) => {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), content);
    return path;
  });

  console.log('');
  console.log(
    `${name} — ${date} — ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, redis ${machine.redisVersion}`,
  );
  console.log('');
  console.log(renderRows(result.rows));
  console.log('');
  for (const note of result.notes ?? []) console.log(`* ${note}`);
  console.log(`* ran ${seconds.toFixed(0)} s; JSON: ${relative(process.cwd(), out) || out}`);
  for (const path of written) console.log(`* wrote ${path}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
