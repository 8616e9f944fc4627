import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { loadUserFor } from "@/lib/users/get-user";

/**
 * Deletes every provider session of the user and every grant, code, access and refresh token issued
 * for them: applications must sign the user in again. Run inside the change that requires it
 * (a new password, a block) so that both commit together.
 */
export function revokeOidcStateStatement(userId: string): Prisma.Sql {
  return Prisma.sql`DELETE FROM oidc_payloads WHERE account_id = ${userId}`;
}

/**
 * "Sign out everywhere": the Access Hook is asked for `revoke:sessions` on the user; the console
 * sessions of the user end too (their session generation is raised). Audited as `user.revoke_sessions`.
 */
export async function signOutEverywhere(actor: Actor, userId: string): Promise<{ revoked: number }> {
  return auditFailures(actor, { action: "user.revoke_sessions", targetUserId: userId }, async () => {
    requirePermission(actor, "users:write");
    const user = await loadUserFor(actor, userId, "revoke:sessions");
    const prisma = await getPrisma();
    return prisma.$transaction(async (tx) => {
      const revoked = await tx.$executeRaw(revokeOidcStateStatement(userId));
      await tx.user.update({ where: { id: userId }, data: { sessionGeneration: { increment: 1 } } });
      await recordAudit(tx, actor, { action: "user.revoke_sessions", targetUserId: userId, targetEmail: user.email, details: { revoked } });
      return { revoked };
    });
  });
}
