import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import { isUuid } from "@/lib/schemas/common";
import { assertUserAccess, type UserAction } from "./access";
import { toUserProfile, userSelect, type UserProfile } from "./profile";

/** Loads one user for an action, refusing what the actor may not see or do. */
export async function loadUserFor(actor: Actor, userId: string, action: UserAction): Promise<UserProfile> {
  if (!isUuid(userId)) throw notFound();
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { id: userId }, select: userSelect });
  if (!row) throw notFound();
  const user = toUserProfile(row);
  await assertUserAccess(actor, user, action);
  return user;
}

export function getUser(actor: Actor, userId: string): Promise<UserProfile> {
  return loadUserFor(actor, userId, "read:user");
}
