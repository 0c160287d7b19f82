-- The image-board domain: tags on posts through post_tags (posts.tag_string is moved there and
-- dropped at the end), aliases, implications, favorites, bans, uploads, bulk update requests and
-- their lines, and the mod-action log. See prisma/schema.prisma for the reasons.
-- CreateEnum
CREATE TYPE "tag_category" AS ENUM ('general', 'artist', 'copyright', 'character', 'meta');

-- CreateEnum
CREATE TYPE "tag_relationship_status" AS ENUM ('active', 'pending', 'deleted', 'retired', 'processing');

-- CreateEnum
CREATE TYPE "upload_status" AS ENUM ('pending', 'processing', 'completed', 'error', 'failed');

-- CreateEnum
CREATE TYPE "bulk_update_request_status" AS ENUM ('pending', 'approved', 'processing', 'completed', 'failed', 'rejected');

-- CreateEnum
CREATE TYPE "bulk_update_request_line_status" AS ENUM ('pending', 'running', 'done', 'failed');

-- CreateEnum
CREATE TYPE "mod_action_category" AS ENUM ('bulk_update_request_approve', 'bulk_update_request_reject', 'tag_alias_create', 'tag_alias_delete', 'tag_implication_create', 'tag_implication_delete', 'tag_rename', 'tag_category_change', 'tag_deprecate', 'tag_undeprecate', 'tag_nuke', 'mass_update', 'user_ban', 'user_unban', 'user_level_change', 'user_delete', 'post_delete');

-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "deletion_requested_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deletion_requested_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "bans" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "banner_id" INTEGER,
    "reason" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "bans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post_tags" (
    "post_id" INTEGER NOT NULL,
    "tag_id" INTEGER NOT NULL,

    CONSTRAINT "post_tags_pkey" PRIMARY KEY ("post_id","tag_id")
);

-- CreateTable
CREATE TABLE "tags" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "category" "tag_category" NOT NULL DEFAULT 'general',
    "post_count" INTEGER NOT NULL DEFAULT 0,
    "is_deprecated" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag_aliases" (
    "id" SERIAL NOT NULL,
    "antecedent_name" TEXT NOT NULL,
    "consequent_name" TEXT NOT NULL,
    "status" "tag_relationship_status" NOT NULL DEFAULT 'active',
    "creator_id" INTEGER,
    "approver_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "tag_aliases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag_implications" (
    "id" SERIAL NOT NULL,
    "antecedent_name" TEXT NOT NULL,
    "consequent_name" TEXT NOT NULL,
    "status" "tag_relationship_status" NOT NULL DEFAULT 'active',
    "creator_id" INTEGER,
    "approver_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "tag_implications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "favorites" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "post_id" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "favorites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "uploads" (
    "id" SERIAL NOT NULL,
    "uploader_id" INTEGER,
    "status" "upload_status" NOT NULL DEFAULT 'pending',
    "source_file" TEXT NOT NULL,
    "file_size" BIGINT,
    "md5" TEXT,
    "error_message" TEXT,
    "deletion_requested_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_update_requests" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER,
    "approver_id" INTEGER,
    "title" TEXT,
    "reason" TEXT NOT NULL DEFAULT '',
    "script" TEXT NOT NULL,
    "status" "bulk_update_request_status" NOT NULL DEFAULT 'pending',
    "failed_line" INTEGER,
    "failed_error" TEXT,
    "approved_at" TIMESTAMP(3),
    "completed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "bulk_update_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_update_request_lines" (
    "id" SERIAL NOT NULL,
    "bulk_update_request_id" INTEGER NOT NULL,
    "line_number" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "status" "bulk_update_request_line_status" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "rows_total" INTEGER,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "bulk_update_request_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_actions" (
    "id" SERIAL NOT NULL,
    "creator_id" INTEGER,
    "category" "mod_action_category" NOT NULL,
    "description" TEXT NOT NULL,
    "subject_type" TEXT,
    "subject_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_actions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "bans_user_id_expires_at_idx" ON "bans"("user_id", "expires_at");

-- CreateIndex
CREATE INDEX "post_tags_tag_id_post_id_idx" ON "post_tags"("tag_id", "post_id");

-- CreateIndex
CREATE UNIQUE INDEX "tags_name_key" ON "tags"("name");

-- CreateIndex
CREATE INDEX "tags_category_idx" ON "tags"("category");

-- CreateIndex
CREATE INDEX "tag_aliases_antecedent_name_status_idx" ON "tag_aliases"("antecedent_name", "status");

-- CreateIndex
CREATE INDEX "tag_aliases_consequent_name_status_idx" ON "tag_aliases"("consequent_name", "status");

-- CreateIndex
CREATE INDEX "tag_implications_antecedent_name_status_idx" ON "tag_implications"("antecedent_name", "status");

-- CreateIndex
CREATE INDEX "tag_implications_consequent_name_status_idx" ON "tag_implications"("consequent_name", "status");

-- CreateIndex
CREATE INDEX "favorites_post_id_idx" ON "favorites"("post_id");

-- CreateIndex
CREATE UNIQUE INDEX "favorites_user_id_post_id_key" ON "favorites"("user_id", "post_id");

-- CreateIndex
CREATE INDEX "uploads_uploader_id_idx" ON "uploads"("uploader_id");

-- CreateIndex
CREATE INDEX "uploads_status_idx" ON "uploads"("status");

-- CreateIndex
CREATE INDEX "uploads_md5_idx" ON "uploads"("md5");

-- CreateIndex
CREATE INDEX "bulk_update_requests_status_approved_at_idx" ON "bulk_update_requests"("status", "approved_at");

-- CreateIndex
CREATE INDEX "bulk_update_requests_user_id_idx" ON "bulk_update_requests"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "bulk_update_request_lines_bulk_update_request_id_line_numbe_key" ON "bulk_update_request_lines"("bulk_update_request_id", "line_number");

-- CreateIndex
CREATE INDEX "mod_actions_created_at_idx" ON "mod_actions"("created_at");

-- CreateIndex
CREATE INDEX "mod_actions_category_created_at_idx" ON "mod_actions"("category", "created_at");

-- CreateIndex
CREATE INDEX "mod_actions_subject_type_subject_id_idx" ON "mod_actions"("subject_type", "subject_id");

-- AddForeignKey
ALTER TABLE "bans" ADD CONSTRAINT "bans_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bans" ADD CONSTRAINT "bans_banner_id_fkey" FOREIGN KEY ("banner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag_aliases" ADD CONSTRAINT "tag_aliases_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag_aliases" ADD CONSTRAINT "tag_aliases_approver_id_fkey" FOREIGN KEY ("approver_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag_implications" ADD CONSTRAINT "tag_implications_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag_implications" ADD CONSTRAINT "tag_implications_approver_id_fkey" FOREIGN KEY ("approver_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "favorites" ADD CONSTRAINT "favorites_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "favorites" ADD CONSTRAINT "favorites_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_uploader_id_fkey" FOREIGN KEY ("uploader_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_update_requests" ADD CONSTRAINT "bulk_update_requests_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_update_requests" ADD CONSTRAINT "bulk_update_requests_approver_id_fkey" FOREIGN KEY ("approver_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_update_request_lines" ADD CONSTRAINT "bulk_update_request_lines_bulk_update_request_id_fkey" FOREIGN KEY ("bulk_update_request_id") REFERENCES "bulk_update_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_actions" ADD CONSTRAINT "mod_actions_creator_id_fkey" FOREIGN KEY ("creator_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- At most one live (active or processing) alias per antecedent, and one live implication per pair.
-- Partial indexes cannot be declared in a Prisma 6 schema, so they live here (schema comments name them).
CREATE UNIQUE INDEX "tag_aliases_live_antecedent_key" ON "tag_aliases"("antecedent_name")
    WHERE "status" IN ('active', 'processing');
CREATE UNIQUE INDEX "tag_implications_live_pair_key" ON "tag_implications"("antecedent_name", "consequent_name")
    WHERE "status" IN ('active', 'processing');

-- Keep the tags of existing posts: split each tag_string into tags and post_tags, count, then drop it.
INSERT INTO "tags" ("name", "updated_at")
SELECT DISTINCT t.name, CURRENT_TIMESTAMP
FROM "posts" p, regexp_split_to_table(lower(btrim(p."tag_string")), '\s+') AS t(name)
WHERE t.name <> ''
ON CONFLICT ("name") DO NOTHING;

INSERT INTO "post_tags" ("post_id", "tag_id")
SELECT DISTINCT p."id", tg."id"
FROM "posts" p
CROSS JOIN regexp_split_to_table(lower(btrim(p."tag_string")), '\s+') AS t(name)
JOIN "tags" tg ON tg."name" = t.name
ON CONFLICT DO NOTHING;

UPDATE "tags" tg SET "post_count" = c.n
FROM (SELECT "tag_id", count(*)::int AS n FROM "post_tags" GROUP BY "tag_id") c
WHERE c."tag_id" = tg."id";

-- AlterTable
ALTER TABLE "posts" DROP COLUMN "tag_string";
