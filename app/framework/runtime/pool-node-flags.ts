/**
 * The Node flags a pool child process starts with (bin/worker forks each pool with them; the
 * POOL_NODE_FLAGS environment variable replaces them, config/env.ts).
 *
 * Why: a pool child's per-job garbage is short-lived, but part of it (whatever is still referenced
 * when a young-generation collection runs) survives two scavenges and is promoted to the old
 * generation. There it is garbage that only a full collection frees, and V8 schedules the next one
 * at up to 4x the heap that survived the last (its growing factor is highest when GC costs little,
 * as here), so over a long backlog the old generation, and the RSS, grew to several times the live
 * heap (node --trace-gc on the pool child; figures in docs/performance.md).
 *
 * --max-semi-space-size=8 (MB; below what V8 picks on a 64-bit machine): a smaller young generation,
 *   less resident memory.
 * --heap-growing-percent=50: the next full collection at 1.5x the surviving heap (plus a young
 *   generation), so the old generation follows the live size. It caps nothing: a job that needs a
 *   large heap still gets it, at one full collection per half of it allocated.
 *
 * Example: fork(script, args, { execArgv: [...process.execArgv, ...POOL_NODE_FLAGS] })
 */
export const POOL_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=50'];
