/**
 * bin/build: compiles the runtime roles to plain JavaScript in dist/, so production processes run
 * without tsx (see bin/tsx-run, which prefers a fresh build).
 *
 * Why: under tsx every module is transformed at load time by a loader thread of its own per
 * process and its source maps stay in memory; on the throughput benchmark a compiled worker process
 * peaks much lower and runs the framework's per-job path faster (docs/performance.md).
 *
 * Steps: one esbuild bundle per entry point (bin/worker, bin/jobs, bin/cron, bin/maintenance,
 * bin/web, and with --bench the benchmarks), ESM for Node 20, npm packages left as imports
 * (node_modules is resolved at run time as usual), names kept (job classes are stored by name),
 * linked source maps; then dist/.build-stamp,
 * whose age bin/tsx-run compares with the sources'. --outdir writes elsewhere (tests).
 *
 * Example: bin/build                 dist/bin/worker.mjs ...
 *          bin/build --bench         also dist/bench/run.mjs ...
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../config/project-root';

/** The runtime roles bin/ starts. */
export const RUNTIME_ENTRIES = [
  'bin/worker.ts',
  'bin/jobs.ts',
  'bin/cron.ts',
  'bin/maintenance.ts',
  'bin/web.ts',
];

function benchEntries(): string[] {
  const benches = readdirSync(join(PROJECT_ROOT, 'bench'))
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => `bench/${f}`);
  return ['bench/run.ts', 'bench/support/rss-worker.ts', ...benches];
}

export async function buildDist(options: { outdir: string; bench: boolean }): Promise<string[]> {
  const entryPoints = [...RUNTIME_ENTRIES, ...(options.bench ? benchEntries() : [])];
  rmSync(join(options.outdir, '.build-stamp'), { force: true });
  mkdirSync(options.outdir, { recursive: true });
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints,
    outdir: options.outdir,
    outbase: PROJECT_ROOT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    // Class names are data here (a job's stored name is its class name): esbuild renames classes
    // it lowers (static blocks: class _ProcessBulkUpdateRequestJob), unless told to keep names.
    keepNames: true,
    logLevel: 'warning',
    // Bundled CommonJS-style code (none of ours) would look for require: give it one.
    banner: {
      js: "import { createRequire as __backlotCreateRequire } from 'node:module'; const require = __backlotCreateRequire(import.meta.url);",
    },
  });
  writeFileSync(join(options.outdir, '.build-stamp'), `${new Date().toISOString()}\n`);
  return entryPoints.map((entry) =>
    relative(PROJECT_ROOT, join(options.outdir, entry.replace(/\.ts$/, '.mjs'))),
  );
}

const program = new Command('bin/build')
  .description(
    'Compile the runtime roles (bin/worker, bin/jobs, bin/cron, bin/maintenance, bin/web) to dist/ for production runs.',
  )
  .option('--bench', 'also compile the benchmarks (npm run bench runs them from dist/bench)')
  .option('--outdir <dir>', 'where to write', join(PROJECT_ROOT, 'dist'))
  .option('--quiet', 'print nothing unless something fails');

const options = program.parse().opts<{ bench?: boolean; outdir: string; quiet?: boolean }>();
const started = performance.now();
const outputs = await buildDist({ outdir: options.outdir, bench: options.bench ?? false });
if (!options.quiet)
  console.log(
    `bin/build: ${outputs.length} bundle(s) in ${Math.round(performance.now() - started)} ms -> ${relative(process.cwd(), options.outdir) || '.'}/`,
  );
