import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError, mapPrismaError, notFound } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import { Prisma } from "@/lib/generated/prisma/client";
import { retentionSettings } from "@/lib/retention/settings";
import { isUuid } from "@/lib/schemas/common";
import type { ListDeletedUsersInput } from "@/lib/schemas/user";
import { getTenant } from "@/lib/tenant/tenant";
import { userVisibilityCondition } from "./list-users";
import { toUserProfile, userSelect, type UserProfile } from "./profile";

/*
 * Deleted users (lib/users/delete-user.ts moves the row to `deleted_users`) are restorable by Administrators
 * for DELEGATE_RETENTION_DELETED_USERS_DAYS (30; 0: for ever), then purged by retention (lib/retention/
 * prune.ts), which records `user.purge`; the audit entries about them stay. Who may see one is decided in
 * the query: Administrators (config:manage), and only the deleted users their Filter Hook would let them
 * see, judged on the row as it was (the same SQL condition as the users list). One past its window is
 * gone for every purpose, even before the purge runs.
 */

const DAY_MS = 86_400_000;

export interface DeletedUserSummary {
  user_id: string;
  email: string;
  username: string | null;
  connection: string;
  deleted_at: string;
  deleted_by: string | null;
  /** When the purge removes it for good (null: kept for ever). */
  purge_after: string | null;
}

interface Clock {
  /** The moment the window counts back from (tests fix it); default now. */
  now?: Date;
}

/** `deleted_users d` rows the admin may see, still within the restore window. */
async function deletedUsersScope(actor: Actor, clock: Clock): Promise<Prisma.Sql> {
  requirePermission(actor, "config:manage");
  const days = retentionSettings().deletedUsersDays;
  const conditions = [Prisma.sql`TRUE`];
  if (days > 0) {
    const since = new Date((clock.now ?? new Date()).getTime() - days * DAY_MS).toISOString();
    conditions.push(Prisma.sql`d.deleted_at >= ${since}::timestamp`);
  }
  const visibility = await userVisibilityCondition(actor);
  if (visibility) {
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM jsonb_populate_record(NULL::users, d.row) u JOIN connections c ON c.id = u.connection_id WHERE ${visibility})`);
  }
  return Prisma.join(conditions, " AND ");
}

/** The "Deleted users" view: newest deletion first. */
export async function listDeletedUsers(actor: Actor, input: ListDeletedUsersInput, clock: Clock = {}): Promise<{ users: DeletedUserSummary[]; total: number }> {
  const scope = await deletedUsersScope(actor, clock);
  const prisma = await getPrisma();
  const [rows, counts] = await Promise.all([
    prisma.$queryRaw<{ id: string; email: string; username: string | null; connection: string; deleted_at: Date; deleted_by_email: string | null }[]>`
      SELECT d.id::text AS id, d.email, d.username, COALESCE(c.name, d.connection_id) AS connection, d.deleted_at, d.deleted_by_email
      FROM deleted_users d LEFT JOIN connections c ON c.id = d.connection_id
      WHERE ${scope} ORDER BY d.deleted_at DESC, d.id LIMIT ${input.per_page} OFFSET ${(input.page - 1) * input.per_page}`,
    prisma.$queryRaw<{ total: bigint | number }[]>`SELECT count(*) AS total FROM deleted_users d WHERE ${scope}`,
  ]);
  const days = retentionSettings().deletedUsersDays;
  return {
    total: Number(counts[0]?.total ?? 0),
    users: rows.map((row) => ({
      user_id: row.id,
      email: row.email,
      username: row.username,
      connection: row.connection,
      deleted_at: row.deleted_at.toISOString(),
      deleted_by: row.deleted_by_email,
      purge_after: days > 0 ? new Date(row.deleted_at.getTime() + days * DAY_MS).toISOString() : null,
    })),
  };
}

/** A unique violation of the restored row (someone took its email or username since) as a 409 that says so. */
function refuseTakenMeanwhile(error: unknown): never {
  if (error instanceof DomainError) throw error;
  try {
    mapPrismaError(error);
  } catch (mapped) {
    if (!(mapped instanceof DomainError && mapped.code === "conflict")) throw mapped;
    const field = mapped.fieldErrors?.username ? "username" : "email";
    throw new DomainError(
      "conflict",
      `Another user of the same connection now has this ${field}, so the deleted user cannot be restored: change or delete that user first.`,
    );
  }
}

/**
 * Puts a deleted user back as it was when deleted (every property, metadata and memberships, password
 * included), with its console sessions ended (its session generation is raised). 404 when there is no
 * such deleted user the admin may see within the window; 409 when its email or username was taken since.
 * Emits `user.restore.complete`; audited as `user.restore`.
 */
export async function restoreUser(actor: Actor, userId: string, clock: Clock = {}): Promise<UserProfile> {
  return auditFailures(actor, { action: "user.restore", targetUserId: userId }, async () => {
    requirePermission(actor, "users:write");
    if (!isUuid(userId)) throw notFound("There is no deleted user with this id to restore (or its restore window has ended).");
    const scope = await deletedUsersScope(actor, clock);
    const prisma = await getPrisma();
    const tenant = await getTenant();
    return prisma
      .$transaction(async (tx) => {
        const restored = await tx.$queryRaw<{ deleted_at: Date }[]>`
          WITH d AS (DELETE FROM deleted_users d WHERE d.id = ${userId}::uuid AND ${scope} RETURNING d.row, d.deleted_at),
          back AS (INSERT INTO users SELECT (jsonb_populate_record(NULL::users, d.row)).* FROM d RETURNING id)
          SELECT d.deleted_at FROM d, back`;
        if (!restored.length) throw notFound("There is no deleted user with this id to restore (or its restore window has ended).");
        const row = await tx.user.update({ where: { id: userId }, data: { sessionGeneration: { increment: 1 } }, select: userSelect });
        const user = toUserProfile(row);
        await enqueueUserEvents(tx, actor, { kind: "restore", user }, tenant);
        await recordAudit(tx, actor, {
          action: "user.restore",
          targetUserId: userId,
          targetEmail: user.email,
          details: { deleted_at: restored[0].deleted_at.toISOString() },
        });
        return user;
      })
      .catch(refuseTakenMeanwhile);
  });
}

/**
 * One retention batch (lib/retention/prune.ts): purges at most `limit` deleted users whose window ended
 * before `cutoff` (a `timestamp` SQL value) and records `user.purge` for each, in one statement.
 */
export function purgeDeletedUsersStatement(cutoff: Prisma.Sql, limit: number): Prisma.Sql {
  return Prisma.sql`
    WITH purged AS (
      DELETE FROM deleted_users WHERE id IN (
        SELECT id FROM deleted_users WHERE deleted_at < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, email, deleted_at, deleted_by_email)
    INSERT INTO audit_logs (id, created_at, channel, action, target_user_id, target_email, result, details)
    SELECT gen_random_uuid(), timezone('UTC', now()), 'system', 'user.purge', id, email, 'success',
      jsonb_build_object('deleted_at', to_char(deleted_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'deleted_by', deleted_by_email)
    FROM purged`;
}
