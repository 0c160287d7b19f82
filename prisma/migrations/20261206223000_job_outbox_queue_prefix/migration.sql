-- The job outbox is partitioned by queue prefix: each staged row names the key prefix of the queues
-- it goes to (QUEUE_PREFIX), a relay moves only its own prefix's rows (and rows staged before this
-- migration, which have none), and the relay state is one row per prefix. Stacks with different
-- prefixes can then share a database without moving each other's jobs.
-- The relay state is rewritten by the next leader, so its old row is dropped.
-- No semicolons in comments: the engine splits the file on every one.
ALTER TABLE "job_outbox" ADD COLUMN "queue_prefix" TEXT;

DELETE FROM "job_outbox_relay";
ALTER TABLE "job_outbox_relay" DROP CONSTRAINT "job_outbox_relay_pkey";
ALTER TABLE "job_outbox_relay" DROP COLUMN "id";
ALTER TABLE "job_outbox_relay" ADD COLUMN "queue_prefix" TEXT NOT NULL;
ALTER TABLE "job_outbox_relay" ADD CONSTRAINT "job_outbox_relay_pkey" PRIMARY KEY ("queue_prefix");
