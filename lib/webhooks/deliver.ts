import { outcomeFromHttp, notAttempted } from "@/lib/delivery/outcome";
import type { DeliveryHandler } from "@/lib/delivery/registry";
import { Allowlist } from "@/lib/delivery/ssrf";
import { postToEndpoint } from "./request";

/** Sends the stored envelope `{ "event": { … } }` to the delivery's endpoint. */
export const webhookDeliveryHandler: DeliveryHandler<"webhook"> = {
  async deliver({ endpoint, event, settings }) {
    if (!endpoint.enabled) return notAttempted("The endpoint is disabled: enable it, then redeliver.");
    const result = await postToEndpoint(
      endpoint,
      { id: event.id, body: event.body },
      new Allowlist(settings.outboundAllowlist),
    );
    return outcomeFromHttp(result);
  },
};
