-- The GIN indexes that metadata containment (@>) uses: user-search queries on app_metadata.<path> /
-- user_metadata.<path> (Filter Hooks, the search box) and the JSON filter's metadata equality.
-- IF NOT EXISTS: this migration first landed as 20261207044416_metadata_containment_indexes, which a
-- later merge dropped; databases migrated in between already have the indexes.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "users_app_metadata_idx" ON "users" USING GIN ("app_metadata" jsonb_path_ops);

-- CreateIndex
CREATE INDEX IF NOT EXISTS "users_user_metadata_idx" ON "users" USING GIN ("user_metadata" jsonb_path_ops);
