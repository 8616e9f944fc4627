import type { Actor } from "@/lib/auth/actor";
import { requirePermission } from "@/lib/auth/actor";
import { assertAnAdministratorRemains, lockAdministrators } from "@/lib/auth/administrators";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { getTenant } from "@/lib/tenant/tenant";
import { DomainError, mapPrismaError } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import { loadUserFor } from "./get-user";

export async function deleteUser(actor: Actor, userId: string): Promise<void> {
  await auditFailures(actor, { action: "user.delete", targetUserId: userId }, async () => {
    requirePermission(actor, "users:write");
    if (userId === actor.id) throw new DomainError("forbidden", "You cannot delete your own account.");
    const user = await loadUserFor(actor, userId, "delete:user");
    const prisma = await getPrisma();
    const tenant = await getTenant();
    await prisma
      .$transaction(async (tx) => {
        await lockAdministrators(tx);
        await tx.user.delete({ where: { id: userId } });
        await assertAnAdministratorRemains(tx);
        await enqueueUserEvents(tx, actor, { kind: "delete", user }, tenant);
        await recordAudit(tx, actor, { action: "user.delete", targetUserId: userId, targetEmail: user.email });
      })
      .catch(mapPrismaError);
  });
}
