import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { fieldError } from "@/lib/errors";
import type { CreateWebhookEndpointInput } from "@/lib/schemas/webhook";
import { assertPublicUrl } from "./guard";
import { generateWebhookSecret } from "./signature";
import { toEndpointView, type WebhookEndpointView } from "./view";

export async function createWebhookEndpoint(actor: Actor, input: CreateWebhookEndpointInput): Promise<WebhookEndpointView> {
  return auditFailures(actor, { action: "webhook.create", details: { url: input.url } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    await assertPublicUrl(prisma, input.url);
    if (input.basicAuthPassword && !input.basicAuthUsername) {
      throw fieldError("basicAuthUsername", "Enter the basic auth username that goes with the password.");
    }
    const row = await prisma.$transaction(async (tx) => {
      const created = await tx.webhookEndpoint.create({
        data: {
          ...input,
          secret: generateWebhookSecret(),
          disabledReason: input.enabled ? null : `Created disabled by ${actor.email}.`,
          disabledAt: input.enabled ? null : new Date(),
        },
      });
      await recordAudit(tx, actor, {
        action: "webhook.create",
        details: { endpointId: created.id, url: created.url, eventTypes: created.eventTypes },
      });
      return created;
    });
    return toEndpointView(row);
  });
}
