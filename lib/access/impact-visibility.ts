/**
 * What a Filter Hook draft changes in one admin's users list: the list's own condition
 * (`userVisibilityCondition`, the query translation of lib/users/query) with the deployed hook and with
 * the draft, counted together in SQL. No hook runs per user.
 */
import { can, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { withinEvaluation, type DraftHook } from "@/lib/hooks/evaluation-scope";
import type { z } from "zod";
import type { visibilityImpactSchema } from "@/lib/schemas/impact";
import { userVisibilityCondition } from "@/lib/users/list-users";

type VisibilityImpact = z.infer<typeof visibilityImpactSchema>;
type Side = { condition: Prisma.Sql; error: string | null };

const FIRST_USERS = 5;
const FROM = Prisma.sql`FROM users u JOIN connections c ON c.id = u.connection_id`;

/** The condition of the admin's list on one side; a failing hook fails the list, so nobody is visible. */
export async function visibilitySide(actor: Actor, drafts: DraftHook[]): Promise<Side> {
  if (!can(actor, "users:read")) return { condition: Prisma.sql`FALSE`, error: null };
  try {
    const condition = await withinEvaluation(drafts, () => userVisibilityCondition(actor));
    return { condition: condition ?? Prisma.sql`TRUE`, error: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { condition: Prisma.sql`FALSE`, error: error.message };
  }
}

const keyOf = (sql: Prisma.Sql) => JSON.stringify([sql.sql, sql.values]);

/**
 * Counts for pairs of conditions, remembered by their SQL and values: admins whose hook answers alike
 * (every admin of one department) share one count.
 */
export class VisibilityCounter {
  private readonly results = new Map<string, Promise<Omit<VisibilityImpact, "errors">>>();

  async compare(before: Side, after: Side): Promise<VisibilityImpact> {
    const key = `${keyOf(before.condition)}\n${keyOf(after.condition)}`;
    let result = this.results.get(key);
    if (!result) {
      result = countPair(before.condition, after.condition);
      this.results.set(key, result);
    }
    const counted = await result;
    return {
      ...counted,
      before: before.error ? null : counted.before,
      after: after.error ? null : counted.after,
      errors: { before: before.error, after: after.error },
    };
  }
}

async function countPair(before: Prisma.Sql, after: Prisma.Sql): Promise<Omit<VisibilityImpact, "errors">> {
  const prisma = await getPrisma();
  // One pass over the union (an OR of the two conditions, which their indexes answer together).
  const [row] = await prisma.$queryRaw<{ before: bigint | number; after: bigint | number; both: bigint | number }[]>`
    SELECT count(*) FILTER (WHERE ${before}) AS before, count(*) FILTER (WHERE ${after}) AS after,
           count(*) FILTER (WHERE ${before} AND ${after}) AS both
    ${FROM} WHERE ${before} OR ${after}`;
  const counts = { before: Number(row.before), after: Number(row.after), both: Number(row.both) };
  const newly = counts.after - counts.both;
  const lost = counts.before - counts.both;
  const first = (yes: Prisma.Sql, no: Prisma.Sql) =>
    prisma.$queryRaw<{ id: string; email: string }[]>`
      SELECT u.id::text AS id, u.email ${FROM} WHERE ${yes} AND (${no}) IS NOT TRUE ORDER BY u.email, u.id LIMIT ${FIRST_USERS}`;
  const [firstNew, firstLost] = await Promise.all([newly > 0 ? first(after, before) : [], lost > 0 ? first(before, after) : []]);
  return {
    before: counts.before,
    after: counts.after,
    newly_visible: newly,
    no_longer_visible: lost,
    first_newly_visible: firstNew,
    first_no_longer_visible: firstLost,
  };
}
