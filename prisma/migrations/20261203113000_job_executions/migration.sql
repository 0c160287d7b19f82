-- Job history (issue #18): one row per finished execution of a job, written in batches by the
-- worker's recorder (app/services/job-history/recorder.ts), read by the admin jobs page and
-- bin/jobs through app/db/job-history.repository.ts, pruned after 30 days by PruneJobHistoryJob.
-- A plain table rather than daily partitions: retention deletes in batches through the
-- finished_at index (see ARCHITECTURE.md, Job history).
-- CreateTable
CREATE TABLE "job_executions" (
    "id" BIGSERIAL NOT NULL,
    "job_id" TEXT NOT NULL,
    "job_class" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "arguments" JSONB,
    "search_terms" TEXT[],
    "error_class" TEXT,
    "error_message" TEXT,
    "enqueued_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "worker_host" TEXT,
    "worker_pid" INTEGER,

    CONSTRAINT "job_executions_pkey" PRIMARY KEY ("id"),
    -- The framework's Outcome statuses (app/framework/execution.ts).
    CONSTRAINT "job_executions_state_check" CHECK ("state" IN ('completed', 'retry', 'failed', 'discarded', 'canceled', 'interrupted', 'lock-lost', 'halted'))
);

-- CreateIndex: a job's timeline (every attempt)
CREATE INDEX "job_executions_job_id_idx" ON "job_executions"("job_id");

-- CreateIndex: the unfiltered list, newest first, and retention's cutoff
CREATE INDEX "job_executions_finished_at_idx" ON "job_executions"("finished_at" DESC);

-- CreateIndex: class + state + time range (the dashboard's "failed X jobs today")
CREATE INDEX "job_executions_job_class_state_finished_at_idx" ON "job_executions"("job_class", "state", "finished_at" DESC);

-- CreateIndex
CREATE INDEX "job_executions_queue_finished_at_idx" ON "job_executions"("queue", "finished_at" DESC);

-- CreateIndex
CREATE INDEX "job_executions_state_finished_at_idx" ON "job_executions"("state", "finished_at" DESC);

-- CreateIndex
CREATE INDEX "job_executions_error_class_finished_at_idx" ON "job_executions"("error_class", "finished_at" DESC);

-- CreateIndex: argument search (search_terms @> ARRAY['post=123'])
CREATE INDEX "job_executions_search_terms_idx" ON "job_executions" USING GIN ("search_terms");
