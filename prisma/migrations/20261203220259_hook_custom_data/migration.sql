-- CreateTable
CREATE TABLE "hook_custom_data" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "data" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "hook_custom_data_pkey" PRIMARY KEY ("id")
);


-- One document per tenant (the database is the tenant).
ALTER TABLE "hook_custom_data" ADD CONSTRAINT "hook_custom_data_single_row" CHECK ("id" = 1);
