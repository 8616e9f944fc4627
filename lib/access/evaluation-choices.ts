import { requirePermission, type Actor } from "@/lib/auth/actor";
import { adminRolesOf, type Role } from "@/lib/auth/roles";
import { getPrisma } from "@/lib/db/client";

const MAX_ADMINS = 500;

export interface EvaluableAdmin {
  id: string;
  email: string;
  roles: Role[];
}

/** The admins an evaluation can be about (users with a Delegated Admin role), by email. */
export async function listEvaluableAdmins(evaluator: Actor): Promise<EvaluableAdmin[]> {
  requirePermission(evaluator, "access:evaluate");
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ id: string; email: string; app_metadata: unknown }[]>`
    SELECT id::text, email, app_metadata FROM users
    WHERE jsonb_typeof(app_metadata->'roles') = 'array' AND jsonb_array_length(app_metadata->'roles') > 0
    ORDER BY email LIMIT ${MAX_ADMINS}`;
  return rows.flatMap((row) => {
    const roles = adminRolesOf(row.app_metadata);
    return roles.length ? [{ id: row.id, email: row.email, roles }] : [];
  });
}

/** The users with this email (one per connection), for the evaluation form's user field. */
export async function findUsersByEmail(evaluator: Actor, email: string): Promise<{ id: string; email: string; connection: string }[]> {
  requirePermission(evaluator, "access:evaluate");
  const prisma = await getPrisma();
  const rows = await prisma.user.findMany({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, connection: { select: { name: true } } },
    orderBy: { connectionId: "asc" },
    take: 10,
  });
  return rows.map((row) => ({ id: row.id, email: row.email, connection: row.connection.name }));
}
