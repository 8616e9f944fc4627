import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import { isUuid } from "@/lib/schemas/common";
import { assertUserAccess, type UserAction } from "./access";
import { toUserProfile, userSelect, type UserProfile } from "./profile";

/** A user and the version it was read at (lib/users/user-version.ts); the version is not part of the profile hooks see. */
export interface VersionedUser {
  user: UserProfile;
  version: number;
}

/** Loads one user for an action, refusing what the actor may not see or do. */
export async function loadVersionedUserFor(actor: Actor, userId: string, action: UserAction): Promise<VersionedUser> {
  if (!isUuid(userId)) throw notFound();
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { id: userId }, select: { ...userSelect, version: true } });
  if (!row) throw notFound();
  const user = toUserProfile(row);
  await assertUserAccess(actor, user, action);
  return { user, version: row.version };
}

export async function loadUserFor(actor: Actor, userId: string, action: UserAction): Promise<UserProfile> {
  return (await loadVersionedUserFor(actor, userId, action)).user;
}

export function getUser(actor: Actor, userId: string): Promise<UserProfile> {
  return loadUserFor(actor, userId, "read:user");
}

/**
 * One user with its version: the API's GET (for the ETag) and the console's edit form. The id may also be the
 * one a user was imported with (`auth0|…`, its `legacy_user_id`).
 */
export async function getVersionedUser(actor: Actor, userId: string): Promise<VersionedUser> {
  if (!isUuid(userId) && userId.includes("|")) {
    const prisma = await getPrisma();
    const aliased = await prisma.user.findUnique({ where: { legacyUserId: userId }, select: { id: true } });
    if (!aliased) throw notFound();
    return loadVersionedUserFor(actor, aliased.id, "read:user");
  }
  return loadVersionedUserFor(actor, userId, "read:user");
}
