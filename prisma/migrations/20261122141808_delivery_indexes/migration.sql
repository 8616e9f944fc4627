-- DropIndex
DROP INDEX "deliveries_status_next_attempt_at_idx";

-- DropIndex
DROP INDEX "deliveries_endpoint_id_created_at_idx";

-- DropIndex
DROP INDEX "deliveries_subscription_id_created_at_idx";

-- DropIndex
DROP INDEX "deliveries_event_id_endpoint_id_key";

-- DropIndex
DROP INDEX "deliveries_event_id_subscription_id_key";


-- Written by hand. Claims and outcomes rewrite a delivery row (never a HOT update: its status changes),
-- and the new row version enters every index whose predicate it meets; partial indexes keep that to
-- about four per write instead of seven.
DROP INDEX "deliveries_post_registration_event_key";

-- One delivery per event and destination (fan-out may run twice; the second inserts nothing).
CREATE UNIQUE INDEX "deliveries_event_destination_key"
  ON "deliveries"("event_id", "destination", COALESCE("endpoint_id"::text, "subscription_id"::text, ''));

-- What the workers claim: due pending deliveries (expired leases use deliveries_in_flight_locked_until_idx).
CREATE INDEX "deliveries_pending_next_attempt_at_idx" ON "deliveries"("next_attempt_at") WHERE "status" = 'pending';

-- The delivery log of an endpoint or a subscription (and the cascades when one is deleted).
CREATE INDEX "deliveries_endpoint_id_created_at_idx" ON "deliveries"("endpoint_id", "created_at") WHERE "endpoint_id" IS NOT NULL;
CREATE INDEX "deliveries_subscription_id_created_at_idx" ON "deliveries"("subscription_id", "created_at") WHERE "subscription_id" IS NOT NULL;
