-- Job history links (issue #18): what the job page needs once Redis has let a job go.
-- parent_job_id: the job waiting for this one (its dependent, a BullMQ flow parent), recorded by
-- the worker with each execution, and a job's dependencies are the rows naming it here. NULL for jobs
-- without a dependent and for executions recorded before this column existed.
-- AlterTable
ALTER TABLE "job_executions" ADD COLUMN "parent_job_id" TEXT;

-- CreateIndex: a job's dependencies from history (rows whose parent is the job)
CREATE INDEX "job_executions_parent_job_id_idx" ON "job_executions"("parent_job_id") WHERE "parent_job_id" IS NOT NULL;

-- job_history_retries: a failed job Redis no longer held, enqueued again from a history search as
-- a new job (job_id) re-running the old one (retry_of). retry_of is unique: each old job is
-- enqueued again at most once (a second "retry all" finds it done), and the new job carries on.
-- CreateTable
CREATE TABLE "job_history_retries" (
    "job_id" TEXT NOT NULL,
    "retry_of" TEXT NOT NULL,
    "retried_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_history_retries_pkey" PRIMARY KEY ("job_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "job_history_retries_retry_of_key" ON "job_history_retries"("retry_of");

-- CreateIndex: retention
CREATE INDEX "job_history_retries_created_at_idx" ON "job_history_retries"("created_at");
