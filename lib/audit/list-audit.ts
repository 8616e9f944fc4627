import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ListAuditInput } from "@/lib/schemas/audit";
import type { UserProfile } from "@/lib/users/profile";
import { assertUserAccess } from "@/lib/users/access";

export async function listAuditLog(actor: Actor, input: ListAuditInput) {
  requirePermission(actor, "logs:read");
  const prisma = await getPrisma();
  const where: Prisma.AuditLogWhereInput = {
    ...(input.actor && { actorEmail: { contains: input.actor, mode: "insensitive" } }),
    ...(input.action && { action: input.action }),
    ...(input.user_id && { targetUserId: input.user_id }),
    ...(input.result && { result: input.result }),
  };
  const [entries, total] = await Promise.all([
    prisma.auditLog.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * input.per_page,
      take: input.per_page,
    }),
    prisma.auditLog.count({ where }),
  ]);
  return { entries, total, page: input.page, per_page: input.per_page };
}

/** The audit entries about one user, shown on the user's page to anyone who may read that user. */
export async function listUserAuditEntries(actor: Actor, user: UserProfile, take = 50) {
  await assertUserAccess(actor, user, "read:user");
  const prisma = await getPrisma();
  return prisma.auditLog.findMany({
    where: { targetUserId: user.user_id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
}

export async function listAuditActions(actor: Actor): Promise<string[]> {
  requirePermission(actor, "logs:read");
  const prisma = await getPrisma();
  const rows = await prisma.auditLog.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } });
  return rows.map((row) => row.action);
}
