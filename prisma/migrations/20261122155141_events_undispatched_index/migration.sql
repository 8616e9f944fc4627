-- The fan-out takes the oldest undispatched events (ORDER BY created_at, id LIMIT n). The old index,
-- (dispatched_at, created_at), made it read and sort the whole backlog on every fan-out; this one holds
-- only undispatched events, in the order the fan-out wants, and a dispatched event leaves it.
DROP INDEX "events_dispatched_at_created_at_idx";

CREATE INDEX "events_undispatched_created_at_id_idx" ON "events"("created_at", "id") WHERE "dispatched_at" IS NULL;
