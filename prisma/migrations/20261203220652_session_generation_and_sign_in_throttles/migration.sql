-- AlterTable
ALTER TABLE "users" ADD COLUMN     "session_generation" INTEGER NOT NULL DEFAULT 0;

-- DropTable
DROP TABLE "sign_in_attempts";

-- CreateTable
CREATE TABLE "sign_in_throttles" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "not_before" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sign_in_throttles_pkey" PRIMARY KEY ("key")
);

