import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { retryOnDeadlock } from "@/lib/delivery/store";
import { findEndpoint } from "./guard";

/** Removes the endpoint with its deliveries and their attempt log (a worker recording an outcome meanwhile may cross it: then it runs again). */
export async function deleteWebhookEndpoint(actor: Actor, id: string): Promise<void> {
  await auditFailures(actor, { action: "webhook.delete", details: { endpointId: id } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const endpoint = await findEndpoint(prisma, id);
    await retryOnDeadlock(() =>
      prisma.$transaction(async (tx) => {
        await tx.webhookEndpoint.delete({ where: { id } });
        await recordAudit(tx, actor, { action: "webhook.delete", details: { endpointId: id, url: endpoint.url } });
      }),
    );
  });
}
