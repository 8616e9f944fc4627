import { getPrisma } from "@/lib/db/client";
import { adminRolesOf } from "./roles";

/**
 * Console sessions are JWT cookies that carry the admin's session generation from sign-in;
 * `loadActor` refuses a cookie whose generation is no longer the admin's. Raising it ends every
 * session of that admin at once, on their next request.
 */
export async function endAllSessions(userId: string): Promise<void> {
  const prisma = await getPrisma();
  await prisma.user.updateMany({ where: { id: userId }, data: { sessionGeneration: { increment: 1 } } });
}

/** Does a change to a user end their sessions? A new password, a block, or a console role taken away. */
export function changeEndsSessions(
  current: { app_metadata: unknown },
  change: { passwordHash?: unknown; blocked?: unknown; appMetadata?: unknown },
): boolean {
  if (change.passwordHash !== undefined || change.blocked === true) return true;
  if (change.appMetadata === undefined) return false;
  const kept = adminRolesOf(change.appMetadata);
  return adminRolesOf(current.app_metadata).some((role) => !kept.includes(role));
}
