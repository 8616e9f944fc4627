import { requirePermission, type Actor } from "@/lib/auth/actor";
import { objectChanges } from "@/lib/audit/changes";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { fieldError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { UpdateWebhookEndpointInput } from "@/lib/schemas/webhook";
import { assertPublicUrl, findEndpoint } from "./guard";
import { toEndpointView, type WebhookEndpointView } from "./view";

/**
 * Changes an endpoint. The basic auth password is write-only: leave it out to keep it, send null (or
 * "") to remove it. Enabling an endpoint clears why it was disabled and its failure streak.
 */
export async function updateWebhookEndpoint(
  actor: Actor,
  id: string,
  input: UpdateWebhookEndpointInput,
): Promise<WebhookEndpointView> {
  const fields = Object.keys(input);
  return auditFailures(actor, { action: "webhook.update", details: { endpointId: id, fields } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const current = await findEndpoint(prisma, id);
    if (input.url !== undefined && input.url !== current.url) await assertPublicUrl(prisma, input.url);

    const data: Prisma.WebhookEndpointUpdateInput = { ...input };
    const username = input.basicAuthUsername !== undefined ? input.basicAuthUsername : current.basicAuthUsername;
    if (!username) data.basicAuthPassword = null;
    if (input.basicAuthPassword && !username) {
      throw fieldError("basicAuthUsername", "Enter the basic auth username that goes with the password.");
    }
    if (input.enabled === true && !current.enabled) {
      Object.assign(data, { disabledReason: null, disabledAt: null, failingSince: null });
    } else if (input.enabled === false && current.enabled) {
      Object.assign(data, { disabledReason: `Disabled by ${actor.email}.`, disabledAt: new Date() });
    }

    const row = await prisma.$transaction(async (tx) => {
      const updated = await tx.webhookEndpoint.update({ where: { id }, data });
      const changes = objectChanges(current, updated, fields, ["headers", "basicAuthPassword"]);
      await recordAudit(tx, actor, { action: "webhook.update", details: { endpointId: id, url: updated.url, fields, changes } });
      return updated;
    });
    return toEndpointView(row);
  });
}
