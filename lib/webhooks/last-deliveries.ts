import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import type { EventType } from "@/lib/events/types";
import type { DeliveryStatus } from "./list-deliveries";

export interface LastDeliverySummary {
  id: string;
  eventType: EventType;
  status: DeliveryStatus;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The newest delivery of each endpoint (the endpoints list's "last delivery" column), by endpoint id. */
export async function lastDeliveryByEndpoint(actor: Actor, endpointIds: string[]): Promise<Map<string, LastDeliverySummary>> {
  requirePermission(actor, "config:manage");
  if (endpointIds.length === 0) return new Map();
  const prisma = await getPrisma();
  // One index probe per endpoint on (endpoint_id, created_at) rather than a scan of every delivery.
  const newest = await prisma.$queryRaw<{ id: string }[]>`
    SELECT d.id::text AS id
    FROM unnest(${endpointIds}::uuid[]) AS e(id)
    CROSS JOIN LATERAL (
      SELECT id FROM deliveries WHERE endpoint_id = e.id ORDER BY created_at DESC, id LIMIT 1
    ) AS d`;
  const rows = await prisma.delivery.findMany({
    where: { id: { in: newest.map((row) => row.id) } },
    include: { event: { select: { type: true } } },
  });
  return new Map(
    rows.map((row) => [
      row.endpointId ?? "",
      {
        id: row.id,
        eventType: row.event.type as EventType,
        status: row.status as DeliveryStatus,
        lastStatusCode: row.lastStatusCode,
        lastError: row.lastError,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      },
    ]),
  );
}
