/**
 * The Node flags a pool child process starts with (bin/worker forks each pool with them).
 *
 * --max-semi-space-size=8 (MB; V8 picks 16 on a 64-bit machine): a busy pool allocates ~25 KB per
 * job (BullMQ, ioredis, Backlot), and with the event bus on, each job's events and their XADD
 * pipeline live through a round trip to Redis, long enough to survive a young-generation collection;
 * V8 then promotes them to the old generation, where they pile up as garbage until a full
 * collection (heap used climbed ~1 MB per 1,000 jobs and fell back, no leak). A smaller young
 * generation takes ~15 MB off the pool's peak RSS over 100,000 jobs with the bus on (npm run bench
 * -- throughput --events 1, which runs its RSS worker with and without these flags side by side).
 *
 * Example: fork(script, args, { execArgv: [...process.execArgv, ...POOL_NODE_FLAGS] })
 */
export const POOL_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
