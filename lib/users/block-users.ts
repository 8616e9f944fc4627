import { requirePermission, type Actor } from "@/lib/auth/actor";
import type { BulkBlockUsersInput } from "@/lib/schemas/user";
import { forEachUser, type BulkUserResult } from "./bulk";
import { updateUser } from "./update-user";

/**
 * Blocks or unblocks several users: each is the single Block/Unblock (the Access Hook's block:user or
 * unblock:user for that user, never yourself, admins' accounts by Administrators only), with its own audit
 * entry and events. One user's refusal does not stop the others.
 */
export async function blockUsers(actor: Actor, input: BulkBlockUsersInput): Promise<BulkUserResult[]> {
  requirePermission(actor, "users:write");
  return forEachUser(input.user_ids, (userId) => updateUser(actor, userId, { blocked: input.blocked }));
}
