import { sendPasswordResetEmail } from "@/lib/account/admin-links";
import type { Actor } from "@/lib/auth/actor";
import { getDatabase, getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { UsersBulkJobInput } from "@/lib/schemas/user-bulk";
import { readableRows } from "./access";
import { deleteUser } from "./delete-user";
import { userListConditions, userVisibilityCondition } from "./list-users";
import { membershipsOf, type UserProfile } from "./profile";
import { profileColumns } from "./profile-columns";
import { updateVersionedUser, type AlsoInTransaction } from "./update-user";

/*
 * The users of a bulk action and what it does to one of them. Users are gone through in order of id, so a
 * job that is run again after its process stopped resumes after the last user it has a result for.
 */

/** Users read (and acted on) per statement. */
export const BULK_BATCH = 200;

/** A user about to be acted on; `email` only when the admin may read the user, as on the list. */
export interface BulkTarget {
  user_id: string;
  email: string | null;
}

/** A UTC `timestamp` (the users table's columns) for a moment. */
const utc = (at: Date) => Prisma.sql`(to_timestamp(${at.getTime()}::float8 / 1000) AT TIME ZONE 'UTC')`;

/** "All matching": the admin's list now (its search and filters, the Filter Hook), of users created up to `until`. */
async function matchingCondition(actor: Actor, query: NonNullable<UsersBulkJobInput["query"]>, until: Date): Promise<Prisma.Sql[]> {
  const conditions = userListConditions(query);
  const visibility = await userVisibilityCondition(actor, query);
  if (visibility) conditions.push(visibility);
  conditions.push(Prisma.sql`u.created_at <= ${utc(until)}`);
  return conditions;
}

/** How many users the job goes through: the chosen ids, or the list's matches counted once when the job starts. */
export async function countBulkTargets(actor: Actor, input: UsersBulkJobInput, until: Date): Promise<number> {
  if (input.user_ids) return input.user_ids.length;
  const db = await getDatabase();
  const conditions = await matchingCondition(actor, input.query!, until);
  const rows = await db.query<{ total: bigint | number | string }>(
    Prisma.sql`SELECT count(*) AS total FROM users u JOIN connections c ON c.id = u.connection_id WHERE ${Prisma.join(conditions, " AND ")}`,
  );
  return Number(rows[0]?.total ?? 0);
}

/**
 * The job's users after `after` (a user id; null from the start), in batches of `BULK_BATCH`, by id. Chosen
 * ids that no longer exist are still targets (the single action answers that they do not exist).
 */
export async function* bulkTargets(actor: Actor, input: UsersBulkJobInput, after: string | null, until: Date): AsyncGenerator<BulkTarget[]> {
  const db = await getDatabase();
  const from = Prisma.sql`FROM users u JOIN connections c ON c.id = u.connection_id`;
  if (input.user_ids) {
    const remaining = after === null ? input.user_ids : input.user_ids.filter((id) => id > after);
    const visibility = await userVisibilityCondition(actor);
    for (let start = 0; start < remaining.length; start += BULK_BATCH) {
      const ids = remaining.slice(start, start + BULK_BATCH);
      const chosen = Prisma.sql`u.id IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})`;
      const where = visibility ? Prisma.sql`${chosen} AND ${visibility}` : chosen;
      const readable = await readableEmails(actor, await db.query<UserProfile>(Prisma.sql`SELECT ${profileColumns()} ${from} WHERE ${where}`));
      yield ids.map((id) => ({ user_id: id, email: readable.get(id) ?? null }));
    }
    return;
  }
  const conditions = await matchingCondition(actor, input.query!, until);
  let cursor = after;
  for (;;) {
    const page = [...conditions, ...(cursor === null ? [] : [Prisma.sql`u.id > ${cursor}::uuid`])];
    const rows = await db.query<UserProfile>(
      Prisma.sql`SELECT ${profileColumns()} ${from} WHERE ${Prisma.join(page, " AND ")} ORDER BY u.id LIMIT ${BULK_BATCH}`,
    );
    if (rows.length === 0) return;
    const readable = await readableEmails(actor, rows);
    yield rows.map((row) => ({ user_id: row.user_id, email: readable.get(row.user_id) ?? null }));
    if (rows.length < BULK_BATCH) return;
    cursor = rows[rows.length - 1].user_id;
  }
}

/** The emails of the users the Access Hook lets the admin read (one sandbox run for the batch). */
async function readableEmails(actor: Actor, users: UserProfile[]): Promise<Map<string, string>> {
  const { users: readable } = await readableRows(actor, users);
  return new Map(readable.map((user) => [user.user_id, user.email]));
}

/**
 * One user's part of a bulk action: the single action with all its checks (role, Access Hook with that
 * action's name, the Memberships Query Hook's options for a memberships change), audit entry and events.
 * `also` writes the user's result in the same transaction as the change.
 */
export async function bulkUserAction(actor: Actor, input: UsersBulkJobInput, userId: string, also: AlsoInTransaction): Promise<void> {
  switch (input.action) {
    case "block":
    case "unblock":
      await updateVersionedUser(actor, userId, { blocked: input.action === "block" }, undefined, also);
      return;
    case "delete":
      await deleteUser(actor, userId, undefined, also);
      return;
    case "send_password_reset":
      await sendPasswordResetEmail(actor, userId, also);
      return;
    case "add_membership":
    case "remove_membership": {
      // The new list is the user's list at this version with one membership more or less; a change in between is refused as stale.
      const prisma = await getPrisma();
      const row = await prisma.user.findUnique({ where: { id: userId }, select: { appMetadata: true, version: true } });
      const current = row ? membershipsOf({ app_metadata: row.appMetadata as Record<string, unknown> }) : [];
      const memberships =
        input.action === "add_membership" ? [...new Set([...current, input.membership!])] : current.filter((m) => m !== input.membership);
      const adding = input.action === "add_membership";
      // The Write Hook decides what is stored: a change it did not keep is refused, never reported as done.
      const kept: AlsoInTransaction = async (tx) => {
        const after = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { appMetadata: true } });
        const has = membershipsOf({ app_metadata: after.appMetadata as Record<string, unknown> }).includes(input.membership!);
        if (has !== adding) {
          throw new DomainError(
            "hook",
            `The Write Hook did not keep this change: ${input.membership} is ${has ? "still" : "not"} among the user's memberships after it ran. Nothing was changed.`,
          );
        }
        await also(tx);
      };
      await updateVersionedUser(actor, userId, { memberships }, row ? [row.version] : undefined, kept);
      return;
    }
  }
}
