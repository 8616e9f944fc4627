import { webhooksActor } from "@/components/webhooks/admin";
import { DeliverySettingsForm } from "@/components/webhooks/delivery-settings-form";
import { getDeliverySettings } from "@/lib/webhooks/delivery-settings";

export const metadata = { title: "Delivery settings · Webhooks · Delegate" };

export default async function DeliverySettingsPage() {
  const actor = await webhooksActor();
  if (!actor) return null;
  const { saved, effective } = await getDeliverySettings(actor);
  const savedAllowlist = saved.outboundAllowlist ?? [];
  return (
    <>
      <h1>Delivery settings</h1>
      <p className="muted">
        How webhook and REST hook deliveries are retried, when a failing endpoint is disabled, and which internal
        addresses deliveries may reach.
      </p>
      <DeliverySettingsForm
        initial={{
          retrySchedule: saved.retrySchedule?.join(", ") ?? "",
          disableAfter: saved.disableAfter ?? "",
          outboundAllowlist: savedAllowlist.join("\n"),
        }}
        effective={{
          // "0ms" reads better as the "0" (immediately) an admin writes.
          retrySchedule: effective.retrySchedule.map((delay) => (delay === "0ms" ? "0" : delay)).join(", "),
          disableAfter: effective.disableAfter,
        }}
        environmentAllowlist={effective.outboundAllowlist.filter((entry) => !savedAllowlist.includes(entry))}
      />
    </>
  );
}
