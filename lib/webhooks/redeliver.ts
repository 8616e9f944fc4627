import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { signalOutboxWrite } from "@/lib/events/outbox-signal";
import { DomainError, notFound } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { isUuid } from "@/lib/schemas/common";
import type { RedeliverFailedInput } from "@/lib/schemas/webhook";
import { findEndpoint } from "./guard";

const NOW = Prisma.raw(`(now() AT TIME ZONE 'UTC')`);

/** Due now, with a fresh retry schedule; the attempt log keeps counting. */
const requeue = Prisma.sql`status = 'pending', next_attempt_at = ${NOW}, schedule_start = attempt_count,
  locked_until = NULL, lease_token = NULL, updated_at = ${NOW}`;

/** Sends one delivery again (whatever its status, unless it is being sent right now). */
export async function redeliverDelivery(actor: Actor, deliveryId: string): Promise<void> {
  await auditFailures(actor, { action: "webhook.redeliver", details: { deliveryId } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const delivery = isUuid(deliveryId)
      ? await prisma.delivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true, subscription: true } })
      : null;
    if (!delivery) throw notFound("There is no delivery with this id.");
    if (delivery.endpoint && !delivery.endpoint.enabled) {
      throw new DomainError("conflict", "The endpoint is disabled: enable it first, then redeliver.");
    }
    if (delivery.subscription?.deletedAt) {
      throw new DomainError("conflict", "The REST hook subscription was removed: there is nobody to redeliver to.");
    }
    await prisma.$transaction(async (tx) => {
      const updated = await tx.$executeRaw`
        UPDATE deliveries SET ${requeue} WHERE id = ${deliveryId}::uuid AND status <> 'in_flight'`;
      if (updated === 0) throw new DomainError("conflict", "This delivery is being sent right now: wait for its outcome.");
      await recordAudit(tx, actor, {
        action: "webhook.redeliver",
        details: { deliveryId, eventId: delivery.eventId, endpointId: delivery.endpointId, subscriptionId: delivery.subscriptionId },
      });
    });
    signalOutboxWrite();
  });
}

/** Sends again every failed delivery of the endpoint created since the given time; returns how many. */
export async function redeliverFailedSince(actor: Actor, endpointId: string, input: RedeliverFailedInput): Promise<{ count: number }> {
  return auditFailures(actor, { action: "webhook.redeliver_failed", details: { endpointId } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const endpoint = await findEndpoint(prisma, endpointId);
    if (!endpoint.enabled) throw new DomainError("conflict", "The endpoint is disabled: enable it first, then redeliver.");
    const count = await prisma.$transaction(async (tx) => {
      const updated = await tx.$executeRaw`
        UPDATE deliveries SET ${requeue}
        WHERE endpoint_id = ${endpointId}::uuid AND status = 'failed' AND created_at >= ${input.since.toISOString()}::timestamp`;
      await recordAudit(tx, actor, {
        action: "webhook.redeliver_failed",
        details: { endpointId, url: endpoint.url, since: input.since.toISOString(), count: updated },
      });
      return updated;
    });
    if (count > 0) signalOutboxWrite();
    return { count };
  });
}
