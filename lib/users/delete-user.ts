import type { Actor } from "@/lib/auth/actor";
import { requirePermission } from "@/lib/auth/actor";
import { assertAnAdministratorRemains, lockAdministrators } from "@/lib/auth/administrators";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { getTenant } from "@/lib/tenant/tenant";
import { DomainError } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import { loadVersionedUserFor } from "./get-user";
import { assertExpectedVersion, refuseStaleWrite, type ExpectedVersions } from "./user-version";

/** Deletes a user; with `expected` (the API's If-Match) only if it is still at a version the client read. */
export async function deleteUser(actor: Actor, userId: string, expected?: ExpectedVersions): Promise<void> {
  await auditFailures(actor, { action: "user.delete", targetUserId: userId }, async () => {
    requirePermission(actor, "users:write");
    if (userId === actor.id) throw new DomainError("forbidden", "You cannot delete your own account.");
    const { user, version } = await loadVersionedUserFor(actor, userId, "delete:user");
    assertExpectedVersion(expected, version);
    const prisma = await getPrisma();
    const tenant = await getTenant();
    await prisma
      .$transaction(async (tx) => {
        await lockAdministrators(tx);
        await tx.user.delete({ where: expected === undefined ? { id: userId } : { id: userId, version } });
        await assertAnAdministratorRemains(tx);
        await enqueueUserEvents(tx, actor, { kind: "delete", user }, tenant);
        await recordAudit(tx, actor, { action: "user.delete", targetUserId: userId, targetEmail: user.email });
      })
      .catch((error: unknown) => refuseStaleWrite(error, userId, expected));
  });
}
