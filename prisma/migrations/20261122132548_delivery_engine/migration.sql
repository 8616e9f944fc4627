-- AlterTable
ALTER TABLE "webhook_endpoints" ADD COLUMN     "disabled_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "rest_hook_subscriptions" ADD COLUMN     "deleted_reason" TEXT;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "lease_token" UUID,
ADD COLUMN     "schedule_start" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_event_id_endpoint_id_key" ON "deliveries"("event_id", "endpoint_id");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_event_id_subscription_id_key" ON "deliveries"("event_id", "subscription_id");


-- Written by hand: one post-registration delivery per event (fan-out may run twice; the second is a no-op).
CREATE UNIQUE INDEX "deliveries_post_registration_event_key" ON "deliveries"("event_id") WHERE "destination" = 'post_registration';

-- Written by hand: workers look for leases that expired (a worker died mid-delivery).
CREATE INDEX "deliveries_in_flight_locked_until_idx" ON "deliveries"("locked_until") WHERE "status" = 'in_flight';
