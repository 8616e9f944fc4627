import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";

/** How long the latest attempt of each delivery took (the delivery log's "Duration" column), by delivery id. */
export async function lastAttemptDurations(actor: Actor, deliveryIds: string[]): Promise<Map<string, number>> {
  requirePermission(actor, "config:manage");
  if (deliveryIds.length === 0) return new Map();
  const prisma = await getPrisma();
  const attempts = await prisma.deliveryAttempt.findMany({
    where: { deliveryId: { in: deliveryIds } },
    select: { deliveryId: true, durationMs: true },
    orderBy: [{ attemptNumber: "asc" }, { createdAt: "asc" }],
  });
  return new Map(attempts.map((attempt) => [attempt.deliveryId, attempt.durationMs]));
}
