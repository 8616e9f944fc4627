-- CreateIndex
CREATE INDEX "users_app_metadata_idx" ON "users" USING GIN ("app_metadata" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "users_user_metadata_idx" ON "users" USING GIN ("user_metadata" jsonb_path_ops);

