-- CreateTable
CREATE TABLE "job_results" (
    "job_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "user_id" UUID NOT NULL,
    "email" TEXT,
    "ok" BOOLEAN NOT NULL,
    "message" TEXT,

    CONSTRAINT "job_results_pkey" PRIMARY KEY ("job_id","seq")
);

-- CreateIndex
CREATE INDEX "job_results_job_id_ok_seq_idx" ON "job_results"("job_id", "ok", "seq");

-- AddForeignKey
ALTER TABLE "job_results" ADD CONSTRAINT "job_results_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

