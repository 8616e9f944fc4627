import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { toSubscriptionView, type RestHookSubscriptionView } from "./view";

/** Active subscriptions first, newest first; removed ones (with why) after them. */
export async function listRestHookSubscriptions(
  actor: Actor,
  options: { includeRemoved?: boolean } = {},
): Promise<RestHookSubscriptionView[]> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const rows = await prisma.restHookSubscription.findMany({
    where: options.includeRemoved ? {} : { deletedAt: null },
    orderBy: [{ deletedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 500,
  });
  return rows.map(toSubscriptionView);
}
