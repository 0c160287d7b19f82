-- Job history (issue #18): the state and error-class indexes hold only the rows those filters look
-- for. Nearly every execution is completed with no error, and as full indexes both took an entry for
-- each of them, two of the nine index writes of every recorded row. As partial indexes a completed
-- row adds nothing to either. A filter on a state other than completed, or on an error class, still
-- uses them (the planner proves the predicate of the index from the filter). A filter on the
-- completed state, most of the table, reads the finished_at index and filters, as the unfiltered
-- list does. (No semicolon in these comments: the driver adapter splits the script on each one.)

-- DropIndex
DROP INDEX "job_executions_state_finished_at_idx";

-- DropIndex
DROP INDEX "job_executions_error_class_finished_at_idx";

-- CreateIndex: every state but completed (failed, retry, discarded, canceled, ...), newest first
CREATE INDEX "job_executions_state_finished_at_idx" ON "job_executions"("state", "finished_at" DESC) WHERE "state" <> 'completed';

-- CreateIndex: executions that ended with an error, by its class, newest first
CREATE INDEX "job_executions_error_class_finished_at_idx" ON "job_executions"("error_class", "finished_at" DESC) WHERE "error_class" IS NOT NULL;
