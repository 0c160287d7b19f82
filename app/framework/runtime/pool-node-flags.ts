/**
 * The Node flags a pool child process starts with (bin/worker forks each pool with them; the
 * POOL_NODE_FLAGS environment variable replaces them, config/env.ts).
 *
 * Why: a pool child's per-job garbage is short-lived, but part of it (a job's events and their XADD
 * pipeline, Redis replies, log lines: whatever is still referenced when a young-generation
 * collection runs, which under load is every few hundred jobs) is promoted to the old generation.
 * There it is garbage that only a full collection frees, and V8 schedules the next one at up to 4x
 * the heap that survived the last (its growing factor, highest when GC costs little, as here): over a
 * 100,000-job backlog one full collection ran, at start-up, and the old generation grew from 17 MB
 * live to 66 MB (node --trace-gc on the pool child, docs/performance.md).
 *
 * --max-semi-space-size=8 (MB; below what V8 picks on a 64-bit machine): a smaller young generation
 *   is less resident memory (V8's default measured ~20 MB more RSS).
 * --heap-growing-percent=50: the next full collection at 1.5x the surviving heap (plus a young
 *   generation), so the old generation follows the live size; it does not cap the heap (a job that
 *   needs a large heap still gets it, at a full collection per half of it allocated).
 *
 * Example: fork(script, args, { execArgv: [...process.execArgv, ...POOL_NODE_FLAGS] })
 */
export const POOL_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=50'];
