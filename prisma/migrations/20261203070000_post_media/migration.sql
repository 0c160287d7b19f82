-- Posts carry their image (file extension, size in pixels and bytes) and Danbooru's rating;
-- uploads carry the uploader's tags and rating and the post they became (or duplicate).

-- CreateEnum
CREATE TYPE "post_rating" AS ENUM ('g', 's', 'q', 'e');

-- AlterTable
ALTER TABLE "posts" ADD COLUMN "rating" "post_rating" NOT NULL DEFAULT 'g',
ADD COLUMN "file_ext" TEXT,
ADD COLUMN "image_width" INTEGER,
ADD COLUMN "image_height" INTEGER,
ADD COLUMN "file_size" INTEGER;

-- AlterTable
ALTER TABLE "uploads" ADD COLUMN "tag_string" TEXT NOT NULL DEFAULT '',
ADD COLUMN "rating" "post_rating" NOT NULL DEFAULT 'g',
ADD COLUMN "post_id" INTEGER;

-- CreateIndex: order:score and order:favcount over every post walk these instead of sorting
CREATE INDEX "posts_score_id_idx" ON "posts"("score", "id");
CREATE INDEX "posts_fav_count_id_idx" ON "posts"("fav_count", "id");
CREATE INDEX "uploads_post_id_idx" ON "uploads"("post_id");

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE SET NULL ON UPDATE CASCADE;
