import type { DeliveryStatus } from "@/lib/webhooks/list-deliveries";
import { isDisabledAutomatically } from "@/lib/webhooks/disabled-reason";
import type { WebhookEndpointView } from "@/lib/webhooks/view";

/** Enabled, disabled by an admin, or disabled automatically after failing for too long. */
export function EndpointStatusBadge({ endpoint }: { endpoint: Pick<WebhookEndpointView, "enabled" | "disabledReason"> }) {
  if (endpoint.enabled) return <span className="badge ok">Enabled</span>;
  return (
    <span className="badge danger">{isDisabledAutomatically(endpoint) ? "Disabled automatically" : "Disabled"}</span>
  );
}

const DELIVERY_LABELS: Record<DeliveryStatus, string> = {
  pending: "Pending",
  in_flight: "Sending",
  succeeded: "Succeeded",
  failed: "Failed",
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const tone = status === "succeeded" ? "ok" : status === "failed" ? "danger" : "";
  return <span className={`badge ${tone}`.trim()}>{DELIVERY_LABELS[status]}</span>;
}

export const deliveryStatusOptions = Object.entries(DELIVERY_LABELS).map(([value, label]) => ({ value, label }));
