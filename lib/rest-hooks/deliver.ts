import { getConfig } from "@/lib/config";
import { postOutbound } from "@/lib/delivery/http";
import { notAttempted, outcomeFromHttp } from "@/lib/delivery/outcome";
import type { DeliveryHandler } from "@/lib/delivery/registry";
import { Allowlist } from "@/lib/delivery/ssrf";
import { signatureHeaders } from "@/lib/webhooks/signature";
import { USER_AGENT } from "@/lib/webhooks/request";
import { userRegisteredPayload } from "./payload";
import { restHookSigningSecrets } from "./signing-secret";

export const REST_HOOK_CONNECT_TIMEOUT_MS = 5000;
export const REST_HOOK_READ_TIMEOUT_MS = 15_000;
export const GONE_REASON = "The subscriber answered 410 Gone.";

/** Posts seed 002's body to a subscriber; a 410 Gone answer ends the subscription. */
export const restHookDeliveryHandler: DeliveryHandler<"rest_hook"> = {
  async deliver({ subscription, event, settings, db }) {
    if (subscription.deletedAt) return notAttempted("The subscription was removed before this delivery.");
    const body = JSON.stringify(userRegisteredPayload(event.payload.event));
    const headers: Record<string, string> = {
      accept: "application/json",
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "x-zapnito-hostname": new URL(getConfig().publicUrl).hostname,
      ...signatureHeaders(await restHookSigningSecrets(db), event.id, body),
    };
    if (subscription.authorizationToken) headers.authorization = `Token token=${subscription.authorizationToken}`;
    const result = await postOutbound({
      url: subscription.url,
      headers,
      body,
      connectTimeoutMs: REST_HOOK_CONNECT_TIMEOUT_MS,
      readTimeoutMs: REST_HOOK_READ_TIMEOUT_MS,
      allowlist: new Allowlist(settings.outboundAllowlist),
    });
    const outcome = outcomeFromHttp(result);
    if (result.statusCode === 410 && !result.error) {
      await db.restHookSubscription.updateMany({
        where: { id: subscription.id, deletedAt: null },
        data: { deletedAt: new Date(), deletedReason: GONE_REASON },
      });
      return { ...outcome, error: `${GONE_REASON} The subscription was removed.` };
    }
    return outcome;
  },
};
