-- CreateTable
CREATE TABLE "deleted_users" (
    "id" UUID NOT NULL,
    "connection_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "username" TEXT,
    "deleted_at" TIMESTAMP(3) NOT NULL,
    "deleted_by_id" UUID,
    "deleted_by_email" TEXT,
    "row" JSONB NOT NULL,

    CONSTRAINT "deleted_users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "deleted_users_deleted_at_idx" ON "deleted_users"("deleted_at");

