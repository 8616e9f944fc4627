import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { notFound } from "@/lib/errors";

const NOT_FOUND = "There is no REST hook subscription with this id.";

/** Ends a subscription (seed 002's DELETE): no more deliveries are created for it, pending ones are dropped. */
export async function deleteRestHookSubscription(actor: Actor, id: string): Promise<void> {
  await auditFailures(actor, { action: "rest_hook.unsubscribe", details: { subscriptionId: id } }, async () => {
    requirePermission(actor, "config:manage");
    if (!/^\d{1,9}$/.test(id)) throw notFound(NOT_FOUND);
    const prisma = await getPrisma();
    await prisma.$transaction(async (tx) => {
      const removed = await tx.restHookSubscription.updateMany({
        where: { id: Number(id), deletedAt: null },
        data: { deletedAt: new Date(), deletedReason: `Removed through the ${actor.channel} by ${actor.email}.` },
      });
      if (removed.count === 0) throw notFound(NOT_FOUND);
      await recordAudit(tx, actor, { action: "rest_hook.unsubscribe", details: { subscriptionId: Number(id) } });
    });
  });
}
