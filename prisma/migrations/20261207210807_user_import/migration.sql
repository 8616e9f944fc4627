-- AlterTable
ALTER TABLE "users" ADD COLUMN     "legacy_user_id" TEXT;

-- CreateTable
CREATE TABLE "job_rows" (
    "job_id" TEXT NOT NULL,
    "row_index" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "user_id" TEXT,
    "email" TEXT,
    "code" TEXT,
    "message" TEXT,
    "field" TEXT,
    "details" JSONB,

    CONSTRAINT "job_rows_pkey" PRIMARY KEY ("job_id","row_index")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_legacy_user_id_key" ON "users"("legacy_user_id");


-- AddForeignKey
ALTER TABLE "job_rows" ADD CONSTRAINT "job_rows_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
