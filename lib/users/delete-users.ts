import { requirePermission, type Actor } from "@/lib/auth/actor";
import type { BulkDeleteUsersInput } from "@/lib/schemas/user";
import { forEachUser, type BulkUserResult } from "./bulk";
import { deleteUser } from "./delete-user";

/**
 * Deletes several users: each is the single Delete (the Access Hook's delete:user for that user, never
 * yourself, never the last Administrator), with its own audit entry and events. One user's refusal does
 * not stop the others.
 */
export async function deleteUsers(actor: Actor, input: BulkDeleteUsersInput): Promise<BulkUserResult[]> {
  requirePermission(actor, "users:write");
  return forEachUser(input.user_ids, (userId) => deleteUser(actor, userId));
}
