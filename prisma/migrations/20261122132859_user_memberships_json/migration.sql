-- Written by hand: what the Prisma schema cannot express.

-- The memberships as a jsonb array, with the same meaning as user_memberships(app_metadata).
-- user_memberships() builds its text[] with a sub-select, so PostgreSQL cannot inline it and calls it
-- as a function (about 4 µs) on every row a list query rechecks; a search plus a membership filter
-- rechecks every candidate row (trigram matches are lossy), which made counting 8,000 matches out of
-- 100,000 users take 40-70 ms. This body uses only immutable built-ins without a sub-select, so it is
-- inlined and the same recheck costs a few hundred nanoseconds.
CREATE FUNCTION user_memberships_json(app_metadata jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN jsonb_typeof(app_metadata -> 'memberships') = 'array' THEN app_metadata -> 'memberships'
    WHEN jsonb_typeof(app_metadata -> 'department') = 'string' THEN '[]'::jsonb || (app_metadata -> 'department')
    ELSE '[]'::jsonb
  END
$$;
-- jsonb_ops (not jsonb_path_ops) so that ?| (any of several memberships) can use it too.
CREATE INDEX "users_memberships_json_idx" ON "users" USING gin (user_memberships_json(app_metadata));
