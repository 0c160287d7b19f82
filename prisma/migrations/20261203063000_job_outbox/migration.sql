-- The job outbox (app/framework/outbox/): Job.inTransaction(tx).performLater(...) stages a job as a
-- row in the transaction of the caller, and the relay in bin/worker adds committed rows to BullMQ
-- under their job id and deletes them, one statement per batch. job_outbox_relay holds the leader
-- of the relay and its last error for bin/jobs outbox. See ARCHITECTURE.md, Transactional enqueue.
-- CreateTable
CREATE TABLE "job_outbox" (
    "id" BIGSERIAL NOT NULL,
    "job_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'job',
    "queue" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "opts" JSONB NOT NULL,
    "run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_outbox_relay" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "leader" TEXT,
    "leading_since" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),

    CONSTRAINT "job_outbox_relay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "job_outbox_job_id_key" ON "job_outbox"("job_id");
