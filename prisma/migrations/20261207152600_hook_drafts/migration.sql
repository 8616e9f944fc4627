-- AlterTable
ALTER TABLE "hooks" ADD COLUMN     "deployed_version" INTEGER;

-- AlterTable
ALTER TABLE "hook_versions" ADD COLUMN     "note" TEXT;


-- Before drafts, every saved version was deployed as it was written: the newest version is the one that runs.
UPDATE "hooks" SET "deployed_version" = (SELECT max(v."version") FROM "hook_versions" v WHERE v."kind" = "hooks"."kind");
