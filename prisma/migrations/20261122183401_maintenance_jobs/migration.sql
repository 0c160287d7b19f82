-- Maintenance and the default-queue jobs: bans lifted (not deleted) by PruneBansJob, uploads timed
-- from processing_started_at, BUR expiry warnings recorded once, users' mail addresses, the mail
-- outbox and its failure switch, cached per-post favorite and tag counts (Danbooru's fav_count and
-- tag_count_*), retire mod actions. See prisma/schema.prisma and ARCHITECTURE.md "Domain jobs".
-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "mod_action_category" ADD VALUE 'tag_alias_retire';
ALTER TYPE "mod_action_category" ADD VALUE 'tag_implication_retire';

-- AlterTable
ALTER TABLE "bans" ADD COLUMN     "lifted_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "bulk_update_requests" ADD COLUMN     "expiry_warned_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "fav_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tag_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tag_count_artist" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tag_count_character" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tag_count_copyright" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tag_count_general" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tag_count_meta" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "uploads" ADD COLUMN     "processing_started_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "email" TEXT;

-- CreateTable
CREATE TABLE "mail_outbox" (
    "id" SERIAL NOT NULL,
    "message_id" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_transport_switches" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "fail_next" INTEGER NOT NULL DEFAULT 0,
    "fail_message" TEXT NOT NULL DEFAULT 'simulated mail delivery failure',
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "mail_transport_switches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "mail_outbox_message_id_key" ON "mail_outbox"("message_id");

-- CreateIndex
CREATE INDEX "mail_outbox_created_at_idx" ON "mail_outbox"("created_at");

-- CreateIndex
CREATE INDEX "bans_expires_at_idx" ON "bans"("expires_at");

-- CreateIndex
CREATE INDEX "bulk_update_requests_status_created_at_idx" ON "bulk_update_requests"("status", "created_at");

-- CreateIndex
CREATE INDEX "posts_created_at_idx" ON "posts"("created_at");

-- Hand-written: fill the new cached counts of existing posts from favorites and post_tags.
UPDATE "posts" p SET "fav_count" = c.n
FROM (SELECT "post_id", count(*)::int AS n FROM "favorites" GROUP BY "post_id") c
WHERE p."id" = c."post_id";

UPDATE "posts" p SET
  "tag_count" = c.total,
  "tag_count_general" = c.general,
  "tag_count_artist" = c.artist,
  "tag_count_copyright" = c.copyright,
  "tag_count_character" = c.character,
  "tag_count_meta" = c.meta
FROM (
  SELECT pt."post_id",
    count(*)::int AS total,
    (count(*) FILTER (WHERE t."category" = 'general'))::int AS general,
    (count(*) FILTER (WHERE t."category" = 'artist'))::int AS artist,
    (count(*) FILTER (WHERE t."category" = 'copyright'))::int AS copyright,
    (count(*) FILTER (WHERE t."category" = 'character'))::int AS character,
    (count(*) FILTER (WHERE t."category" = 'meta'))::int AS meta
  FROM "post_tags" pt JOIN "tags" t ON t."id" = pt."tag_id"
  GROUP BY pt."post_id"
) c
WHERE p."id" = c."post_id";
