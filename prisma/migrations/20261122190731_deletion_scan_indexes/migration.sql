-- Partial indexes for the background deleter's scan of marked records (hand-written: Prisma's
-- schema language cannot declare partial indexes). Only marked rows are indexed
CREATE INDEX "posts_deletion_requested_at_idx" ON "posts" ("deletion_requested_at", "id") WHERE "deletion_requested_at" IS NOT NULL;
CREATE INDEX "uploads_deletion_requested_at_idx" ON "uploads" ("deletion_requested_at", "id") WHERE "deletion_requested_at" IS NOT NULL;
