/**
 * The Node flags a pool child process starts with (bin/worker forks each pool with them).
 *
 * --max-semi-space-size=8 (MB; below what V8 picks on a 64-bit machine): with the event bus on, each
 * job's events and their XADD pipeline live through a round trip to Redis, long enough to survive a
 * young-generation collection; V8 then promotes them to the old generation, where they pile up as
 * garbage until a full collection (heap used climbs and falls back, no leak). A smaller young
 * generation bounds the pool's peak RSS; npm run bench -- throughput --events 1 runs its RSS worker
 * with and without these flags side by side (figures in docs/performance.md).
 *
 * Example: fork(script, args, { execArgv: [...process.execArgv, ...POOL_NODE_FLAGS] })
 */
export const POOL_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
