import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { findEndpoint } from "./guard";
import { generateWebhookSecret, PREVIOUS_SECRET_GRACE_MS } from "./signature";
import { toEndpointView, type WebhookEndpointView } from "./view";

/** A new secret signs at once; the replaced one signs beside it (two signatures) for 24 hours. */
export async function rotateWebhookSecret(actor: Actor, id: string): Promise<WebhookEndpointView> {
  return auditFailures(actor, { action: "webhook.rotate_secret", details: { endpointId: id } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const current = await findEndpoint(prisma, id);
    const row = await prisma.$transaction(async (tx) => {
      const updated = await tx.webhookEndpoint.update({
        where: { id },
        data: {
          secret: generateWebhookSecret(),
          previousSecret: current.secret,
          previousSecretExpiresAt: new Date(Date.now() + PREVIOUS_SECRET_GRACE_MS),
        },
      });
      await recordAudit(tx, actor, { action: "webhook.rotate_secret", details: { endpointId: id, url: updated.url } });
      return updated;
    });
    return toEndpointView(row);
  });
}
