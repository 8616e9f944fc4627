import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { loadDeliverySettings } from "@/lib/delivery/settings";
import { Allowlist, literalAddressProblem } from "@/lib/delivery/ssrf";
import { fieldError } from "@/lib/errors";
import type { CreateRestHookSubscriptionInput } from "@/lib/schemas/webhook";
import { toSubscriptionView, type RestHookSubscriptionView } from "./view";

/** Subscribes a URL to the User Registered REST hook (seed 002). Administrators only (config:manage). */
export async function createRestHookSubscription(
  actor: Actor,
  input: CreateRestHookSubscriptionInput,
): Promise<RestHookSubscriptionView> {
  return auditFailures(actor, { action: "rest_hook.subscribe", details: { url: input.url } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const problem = literalAddressProblem(new URL(input.url), new Allowlist((await loadDeliverySettings(prisma)).outboundAllowlist));
    if (problem) throw fieldError("url", problem, "unprocessable");
    const row = await prisma.$transaction(async (tx) => {
      const created = await tx.restHookSubscription.create({
        data: { url: input.url, authorizationToken: input.authorization_token ?? null, createdByTokenId: actor.apiTokenId ?? null },
      });
      await recordAudit(tx, actor, {
        action: "rest_hook.subscribe",
        details: { subscriptionId: created.id, url: created.url },
      });
      return created;
    });
    return toSubscriptionView(row);
  });
}
