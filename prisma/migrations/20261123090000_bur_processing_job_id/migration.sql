-- Bulk update requests remember the id of the ProcessBulkUpdateRequestJob of their latest approval
-- (set in the transaction that marks them processing), so ReconcileBulkUpdateRequestsJob can tell a
-- request whose job died outside perform (failed by BullMQ, or gone from Redis) from one whose job
-- still waits or runs, and fail it with a bulk_update_request_fail mod action by the system.
-- Requests approved before this migration have no id: the job looks for a live job of theirs.
-- See prisma/schema.prisma and ARCHITECTURE.md "Bulk update requests: approval and processing".
-- AlterEnum
ALTER TYPE "mod_action_category" ADD VALUE 'bulk_update_request_fail';

-- AlterTable
ALTER TABLE "bulk_update_requests" ADD COLUMN     "processing_job_id" TEXT;
