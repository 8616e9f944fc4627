import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import type { PrismaClient, RestHookSubscription } from "@/lib/generated/prisma/client";
import { toSubscriptionView, type RestHookSubscriptionView } from "./view";

export interface SubscriptionCreator {
  tokenId: string;
  name: string;
  prefix: string;
  adminEmail: string;
  revoked: boolean;
}

export interface RestHookSubscriptionRow extends RestHookSubscriptionView {
  /** The API token that subscribed (null when it was deleted since). */
  createdBy: SubscriptionCreator | null;
}

async function withCreators(prisma: PrismaClient, rows: RestHookSubscription[]): Promise<RestHookSubscriptionRow[]> {
  const tokenIds = [...new Set(rows.flatMap((row) => (row.createdByTokenId ? [row.createdByTokenId] : [])))];
  const tokens = tokenIds.length
    ? await prisma.apiToken.findMany({
        where: { id: { in: tokenIds } },
        select: { id: true, name: true, prefix: true, revokedAt: true, createdBy: { select: { email: true } } },
      })
    : [];
  const byId = new Map(
    tokens.map((token) => [
      token.id,
      { tokenId: token.id, name: token.name, prefix: token.prefix, adminEmail: token.createdBy.email, revoked: Boolean(token.revokedAt) },
    ]),
  );
  return rows.map((row) => ({
    ...toSubscriptionView(row),
    createdBy: row.createdByTokenId ? (byId.get(row.createdByTokenId) ?? null) : null,
  }));
}

/** Every subscription, active ones first, removed ones (with why) after them, with the API token that created each. */
export async function listRestHookSubscriptionsWithCreators(actor: Actor): Promise<RestHookSubscriptionRow[]> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const rows = await prisma.restHookSubscription.findMany({
    orderBy: [{ deletedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 500,
  });
  return withCreators(prisma, rows);
}

/** One subscription, removed or not; null when there is none with this id. */
export async function getRestHookSubscription(actor: Actor, id: string): Promise<RestHookSubscriptionRow | null> {
  requirePermission(actor, "config:manage");
  if (!/^\d{1,9}$/.test(id)) return null;
  const prisma = await getPrisma();
  const row = await prisma.restHookSubscription.findUnique({ where: { id: Number(id) } });
  return row ? (await withCreators(prisma, [row]))[0] : null;
}
