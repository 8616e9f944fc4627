import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { hookRequest } from "@/lib/hooks/context";
import { runActiveHook } from "@/lib/hooks/execute";
import { filterHookResultSchema, userFilterToSql } from "@/lib/hooks/user-filter";
import type { ListUsersInput } from "@/lib/schemas/user";
import { readableRows } from "./access";
import { toUserProfile, userSelect, type UserProfile } from "./profile";

export interface UserPage {
  users: UserProfile[];
  /** Counted before the Access Hook: rows it denies stay in the total (see `hidden`). */
  total: number;
  /** Rows of this page the Access Hook did not let the admin read; they are left out of `users`. */
  hidden: number;
  page: number;
  per_page: number;
}

const escapeLike = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

const ORDER_COLUMNS: Record<ListUsersInput["sort"], Prisma.Sql> = {
  email: Prisma.sql`u.email`,
  name: Prisma.sql`u.name`,
  created_at: Prisma.sql`u.created_at`,
  last_login: Prisma.sql`u.last_login`,
};

/**
 * The WHERE clause of the list. Every condition matches an index: the trigram index on
 * user_search_text(...) and the GIN index on user_memberships_json(app_metadata), whose function
 * PostgreSQL inlines (its migration says why: user_memberships() costs a function call per row).
 */
export function userListConditions(input: Pick<ListUsersInput, "search" | "connection" | "membership">): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (input.search) {
    conditions.push(
      Prisma.sql`user_search_text(u.email, u.name, u.username) LIKE ${`%${escapeLike(input.search.toLowerCase())}%`}`,
    );
  }
  if (input.connection) conditions.push(Prisma.sql`c.name = ${input.connection}`);
  if (input.membership) {
    conditions.push(Prisma.sql`user_memberships_json(u.app_metadata) @> ${JSON.stringify([input.membership])}::jsonb`);
  }
  return conditions;
}

/**
 * The Filter Hook's restriction of the users this admin may see, as SQL over `users u` and
 * `connections c`; null when unrestricted. The logs page scopes its entries with it too.
 */
export async function userVisibilityCondition(
  actor: Actor,
  input: Partial<Pick<ListUsersInput, "search" | "connection" | "membership">> = {},
): Promise<Prisma.Sql | null> {
  const run = await runActiveHook(
    "filter",
    [{ request: hookRequest(actor), payload: { search: input.search ?? "", filterBy: { connection: input.connection, membership: input.membership } } }],
    filterHookResultSchema,
    actor,
  );
  return run.configured && run.result ? userFilterToSql(run.result) : null;
}

export async function listUsers(actor: Actor, input: ListUsersInput): Promise<UserPage> {
  requirePermission(actor, "users:read");
  const prisma = await getPrisma();
  const conditions = userListConditions(input);
  const visibility = await userVisibilityCondition(actor, input);
  if (visibility) conditions.push(visibility);
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const direction = input.order === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const from = Prisma.sql`FROM users u JOIN connections c ON c.id = u.connection_id ${where}`;

  const [idRows, countRows] = await Promise.all([
    prisma.$queryRaw<{ id: string }[]>`
      SELECT u.id ${from}
      ORDER BY ${ORDER_COLUMNS[input.sort]} ${direction} NULLS LAST, u.id
      LIMIT ${input.per_page} OFFSET ${(input.page - 1) * input.per_page}`,
    prisma.$queryRaw<{ total: bigint | number }[]>`SELECT count(*) AS total ${from}`,
  ]);
  const ids = idRows.map((row) => row.id);
  const rows = ids.length ? await prisma.user.findMany({ where: { id: { in: ids } }, select: userSelect }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const listed = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toUserProfile(row)] : [];
  });
  const { users, hidden } = await readableRows(actor, listed);
  return {
    users,
    hidden,
    total: Number(countRows[0]?.total ?? 0),
    page: input.page,
    per_page: input.per_page,
  };
}
