import { can, requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { Prisma, type AuditLog } from "@/lib/generated/prisma/client";
import type { ListAuditInput } from "@/lib/schemas/audit";
import { assertUserAccess } from "@/lib/users/access";
import { loadUserFor } from "@/lib/users/get-user";
import { userVisibilityCondition } from "@/lib/users/list-users";
import type { UserProfile } from "@/lib/users/profile";

const escapeLike = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Which audit entries (`audit_logs a`) the admin may read: the entries about the users they may see (the
 * same SQL condition as the users list) and their own actions. Entries about a user that no longer exists,
 * or about no user (configuration changes), are then only theirs if they made them. Null (every entry)
 * when the admin sees every user and has `logs:read_all`: a department admin (User role) never reads
 * others' configuration changes, even when the Filter Hook lets her see everyone.
 */
async function auditScope(actor: Actor): Promise<Prisma.Sql | null> {
  const visibility = await userVisibilityCondition(actor);
  if (!visibility && can(actor, "logs:read_all")) return null;
  return Prisma.sql`(a.actor_id = ${actor.id}::uuid OR EXISTS (
    SELECT 1 FROM users u JOIN connections c ON c.id = u.connection_id
    WHERE u.id = a.target_user_id AND ${visibility ?? Prisma.sql`TRUE`}))`;
}

type AuditFilters = Pick<ListAuditInput, "actor" | "action" | "user_id" | "result">;

function auditConditions(input: AuditFilters, scope: Prisma.Sql | null): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (input.actor) conditions.push(Prisma.sql`a.actor_email ILIKE ${`%${escapeLike(input.actor)}%`}`);
  if (input.action) conditions.push(Prisma.sql`a.action = ${input.action}`);
  if (input.user_id) conditions.push(Prisma.sql`a.target_user_id = ${input.user_id}::uuid`);
  if (input.result) conditions.push(Prisma.sql`a.result = ${input.result}`);
  if (scope) conditions.push(scope);
  return conditions;
}

/**
 * The conditions on `audit_logs a` of the entries the admin may read with these filters: `logs:read`,
 * and filtered to one user that exists, the Access Hook's `read:logs` on them (a refusal or a failing
 * hook is a 403); then auditScope. The logs page and the export share them.
 */
export async function readableAuditConditions(actor: Actor, input: AuditFilters): Promise<Prisma.Sql[]> {
  requirePermission(actor, "logs:read");
  if (input.user_id) {
    // A user that no longer exists has no profile to judge: their entries stay under auditScope alone.
    await loadUserFor(actor, input.user_id, "read:logs").catch((error: unknown) => {
      if (!(error instanceof DomainError && error.code === "not_found")) throw error;
    });
  }
  return auditConditions(input, await auditScope(actor));
}

const whereOf = (conditions: Prisma.Sql[]) => (conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty);

/**
 * The logs page: entries the admin may read (readableAuditConditions), filtered, newest first; the total
 * counts the same rows.
 */
export async function listAuditLog(actor: Actor, input: ListAuditInput) {
  const where = whereOf(await readableAuditConditions(actor, input));
  const prisma = await getPrisma();
  const [idRows, countRows] = await Promise.all([
    prisma.$queryRaw<{ id: string }[]>`
      SELECT a.id FROM audit_logs a ${where}
      ORDER BY a.created_at DESC, a.id DESC
      LIMIT ${input.per_page} OFFSET ${(input.page - 1) * input.per_page}`,
    prisma.$queryRaw<{ total: bigint | number }[]>`SELECT count(*) AS total FROM audit_logs a ${where}`,
  ]);
  const ids = idRows.map((row) => row.id);
  const rows = ids.length ? await prisma.auditLog.findMany({ where: { id: { in: ids } } }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const entries = ids.flatMap((id) => byId.get(id) ?? []);
  return { entries, total: Number(countRows[0]?.total ?? 0), page: input.page, per_page: input.per_page };
}

export type UserAuditView = { allowed: true; entries: AuditLog[] } | { allowed: false; message: string };

/**
 * The audit entries about one user (as loaded by getUser, which asked for `read:user`), on the user's
 * page: for anyone who may read users (as DAE's user log tab), when the Access Hook allows `read:logs`
 * on them. A refusal, or a hook that fails, hides the entries with its message (fails closed).
 */
export async function listUserAuditEntries(actor: Actor, user: UserProfile, take = 50): Promise<UserAuditView> {
  try {
    await assertUserAccess(actor, user, "read:logs");
  } catch (error) {
    if (error instanceof DomainError && error.code === "forbidden") return { allowed: false, message: error.message };
    throw error;
  }
  const prisma = await getPrisma();
  const entries = await prisma.auditLog.findMany({
    where: { targetUserId: user.user_id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
  return { allowed: true, entries };
}

/** The actions found in the entries the admin may read, for the logs page's filter. */
export async function listAuditActions(actor: Actor): Promise<string[]> {
  requirePermission(actor, "logs:read");
  const prisma = await getPrisma();
  const scope = await auditScope(actor);
  const rows = await prisma.$queryRaw<{ action: string }[]>`
    SELECT DISTINCT a.action FROM audit_logs a ${scope ? Prisma.sql`WHERE ${scope}` : Prisma.empty} ORDER BY a.action`;
  return rows.map((row) => row.action);
}
