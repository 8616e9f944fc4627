import type { Actor } from "@/lib/auth/actor";
import { requirePermission } from "@/lib/auth/actor";
import { assertAnAdministratorRemains, lockAdministrators } from "@/lib/auth/administrators";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { getTenant } from "@/lib/tenant/tenant";
import { notFound } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import { revokeOidcStateStatement } from "@/lib/oidc/revoke";
import { loadVersionedUserFor } from "./get-user";
import type { AlsoInTransaction } from "./update-user";
import { assertExpectedVersion, staleUserError, type ExpectedVersions } from "./user-version";

/**
 * Deletes a user; with `expected` (the API's If-Match) only if it is still at a version the client read.
 * A soft delete: the row moves, as it is, from `users` to `deleted_users` in one statement (so nothing can
 * find the user any more: reads, lists, sign-ins, hooks), restorable by an Administrator within the
 * restore window (lib/users/deleted-users.ts). Its application sessions end, so a restore does not bring
 * them back; its API tokens and open account links go with it (foreign keys).
 */
export async function deleteUser(actor: Actor, userId: string, expected?: ExpectedVersions, also?: AlsoInTransaction): Promise<void> {
  await auditFailures(actor, { action: "user.delete", targetUserId: userId }, async () => {
    requirePermission(actor, "users:write");
    const { user, version } = await loadVersionedUserFor(actor, userId, "delete:user");
    assertExpectedVersion(expected, version);
    const prisma = await getPrisma();
    const tenant = await getTenant();
    await prisma.$transaction(async (tx) => {
      await lockAdministrators(tx);
      const moved = await tx.$queryRaw<{ id: string }[]>`
        WITH gone AS (
          DELETE FROM users WHERE id = ${userId}::uuid AND (${expected === undefined} OR version = ${version}) RETURNING *)
        INSERT INTO deleted_users (id, connection_id, email, username, deleted_at, deleted_by_id, deleted_by_email, row)
        SELECT id, connection_id, email, username, ${new Date().toISOString()}::timestamp, ${actor.id}::uuid, ${actor.email}, to_jsonb(gone)
        FROM gone RETURNING id::text`;
      if (!moved.length) {
        const exists = (await tx.user.count({ where: { id: userId } })) > 0;
        throw exists ? staleUserError() : notFound("The record does not exist or was removed meanwhile.");
      }
      await tx.$executeRaw(revokeOidcStateStatement(userId));
      await assertAnAdministratorRemains(tx);
      await enqueueUserEvents(tx, actor, { kind: "delete", user }, tenant);
      await recordAudit(tx, actor, { action: "user.delete", targetUserId: userId, targetEmail: user.email });
      await also?.(tx);
    });
  });
}
