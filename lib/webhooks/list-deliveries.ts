import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import type { EventType } from "@/lib/events/types";
import type { Prisma } from "@/lib/generated/prisma/client";
import { notFound } from "@/lib/errors";
import { isUuid } from "@/lib/schemas/common";
import type { ListDeliveriesInput } from "@/lib/schemas/webhook";
import { findEndpoint } from "./guard";

export type DeliveryStatus = "pending" | "in_flight" | "succeeded" | "failed";

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: EventType;
  destination: string;
  endpointId: string | null;
  subscriptionId: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  /** When the next attempt is due (pending deliveries only). */
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryAttemptView {
  attemptNumber: number;
  createdAt: Date;
  durationMs: number;
  statusCode: number | null;
  /** The first 4 KB of the answer. */
  responseBody: string | null;
  error: string | null;
  succeeded: boolean;
}

export interface DeliveryPage {
  deliveries: DeliveryView[];
  total: number;
  page: number;
  perPage: number;
}

/** Whose deliveries: a webhook endpoint's or a REST hook subscription's. */
export type DeliveryTarget = { endpointId: string } | { subscriptionId: string };

const deliveryInclude = { event: { select: { type: true } } } satisfies Prisma.DeliveryInclude;
type DeliveryRow = Prisma.DeliveryGetPayload<{ include: typeof deliveryInclude }>;

function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.event.type as EventType,
    destination: row.destination,
    endpointId: row.endpointId,
    subscriptionId: row.subscriptionId === null ? null : String(row.subscriptionId),
    status: row.status as DeliveryStatus,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null,
    lastError: row.lastError,
    lastStatusCode: row.lastStatusCode,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function targetWhere(target: DeliveryTarget): Promise<Prisma.DeliveryWhereInput> {
  const prisma = await getPrisma();
  if ("endpointId" in target) {
    await findEndpoint(prisma, target.endpointId);
    return { endpointId: target.endpointId };
  }
  const id = /^\d{1,9}$/.test(target.subscriptionId) ? Number(target.subscriptionId) : null;
  if (id === null || !(await prisma.restHookSubscription.findUnique({ where: { id } }))) {
    throw notFound("There is no REST hook subscription with this id.");
  }
  return { subscriptionId: id };
}

/** The delivery log of an endpoint or subscription, newest first, filtered by status, event type and time. */
export async function listDeliveries(actor: Actor, target: DeliveryTarget, input: ListDeliveriesInput): Promise<DeliveryPage> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const where: Prisma.DeliveryWhereInput = {
    ...(await targetWhere(target)),
    ...(input.status ? { status: input.status } : {}),
    ...(input.eventType ? { event: { type: input.eventType } } : {}),
    ...(input.since ? { createdAt: { gte: input.since } } : {}),
  };
  // One snapshot, so that the total agrees with the rows while the worker is fanning out.
  const [rows, total] = await prisma.$transaction(
    [
      prisma.delivery.findMany({
        where,
        include: deliveryInclude,
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        skip: (input.page - 1) * input.per_page,
        take: input.per_page,
      }),
      prisma.delivery.count({ where }),
    ],
    { isolationLevel: "RepeatableRead" },
  );
  return { deliveries: rows.map(toDeliveryView), total, page: input.page, perPage: input.per_page };
}

export interface DeliveryDetails {
  delivery: DeliveryView;
  /** The body as stored in the outbox (webhooks send it as is). */
  payload: unknown;
  attempts: DeliveryAttemptView[];
}

/** One delivery with its event and every attempt, oldest first. */
export async function getDeliveryDetails(actor: Actor, deliveryId: string): Promise<DeliveryDetails> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const row = isUuid(deliveryId)
    ? await prisma.delivery.findUnique({
        where: { id: deliveryId },
        include: {
          event: { select: { type: true, payload: true } },
          attempts: { orderBy: [{ attemptNumber: "asc" }, { createdAt: "asc" }] },
        },
      })
    : null;
  if (!row) throw notFound("There is no delivery with this id.");
  return {
    delivery: toDeliveryView(row),
    payload: row.event.payload,
    attempts: row.attempts.map((attempt) => ({
      attemptNumber: attempt.attemptNumber,
      createdAt: attempt.createdAt,
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      responseBody: attempt.responseBody,
      error: attempt.error,
      succeeded: attempt.succeeded,
    })),
  };
}
