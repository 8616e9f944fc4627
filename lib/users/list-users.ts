import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getDatabase } from "@/lib/db/client";
import { DomainError, fieldError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { hookRequest } from "@/lib/hooks/context";
import { runActiveHook } from "@/lib/hooks/execute";
import { filterHookResultSchema, filterRestrictionToSql } from "@/lib/hooks/user-filter";
import type { ListUsersInput } from "@/lib/schemas/user";
import { readableRows } from "./access";
import { decodeCursor, encodeCursor, keysetCondition, sortColumn } from "./list-sort";
import { looksLikeUserQuery, userQueryCondition, UserQueryError } from "./query";
import type { UserProfile } from "./profile";
import { profileColumns } from "./profile-columns";

/**
 * Users counted exactly for a list's total; beyond it the total is "more than 1,000" (Gmail's, GitHub's way).
 * At a million users, counting 10,001 Finance members took 66 ms and 1,001 took 8 ms (docs/benchmarks.md).
 */
export const COUNT_BOUND = 1_000;

/** The console's pager skips rows (OFFSET) up to this page; past it, its links carry a cursor (`after` / `before`). */
export const OFFSET_PAGES = 10;

export interface UserPage {
  users: UserProfile[];
  /**
   * Counted before the Access Hook: rows it denies stay in the total (see `hidden`). Exact up to the count
   * bound; beyond it, the bound itself with `total_exact` false ("more than `total`").
   */
  total: number;
  total_exact: boolean;
  /** Rows of this page the Access Hook did not let the admin read; they are left out of `users`. */
  hidden: number;
  page: number;
  per_page: number;
  /** `after` for the next page: set when this page is full (or was read backwards). */
  next: string | null;
  /** `before` for the previous page: set past page 1. */
  previous: string | null;
}

const escapeLike = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The admin's search as one SQL condition: a query in Auth0's user-search syntax when it names a
 * field (`email:*@example.com`, `_exists_:last_login`), otherwise the substring search of the email,
 * name or username (the trigram index on user_search_text). A query the parser does not support is
 * a 400 naming the parameter and the character (`position`), never an empty list.
 */
export function searchCondition(search: string, parameter: "search" | "q" = "search"): Prisma.Sql {
  if (!looksLikeUserQuery(search)) {
    return Prisma.sql`user_search_text(u.email, u.name, u.username) LIKE ${`%${escapeLike(search.toLowerCase())}%`}`;
  }
  try {
    return userQueryCondition(search) ?? Prisma.sql`TRUE`;
  } catch (error) {
    if (!(error instanceof UserQueryError)) throw error;
    throw new DomainError("validation", `${parameter}: ${error.message}`, { [parameter]: error.message }, { position: error.position });
  }
}

/** The admin's own search text and the parameter it came in (the API's `q` or the console's `search`). */
export function searchOf(input: Partial<Pick<ListUsersInput, "search" | "q">>): { text: string; parameter: "search" | "q" } | null {
  if (input.q) return { text: input.q, parameter: "q" };
  return input.search ? { text: input.search, parameter: "search" } : null;
}

/**
 * The admin's own conditions of the list, each parenthesised. The search's conditions use the trigram
 * index on user_search_text(...), the btree indexes, and the GIN indexes on app_metadata and on
 * user_memberships_json(app_metadata), whose function PostgreSQL inlines (its migration says why).
 */
export function userListConditions(input: Pick<ListUsersInput, "search" | "q" | "connection" | "membership">): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  const search = searchOf(input);
  if (search) conditions.push(Prisma.sql`(${searchCondition(search.text, search.parameter)})`);
  if (input.connection) conditions.push(Prisma.sql`c.name = ${input.connection}`);
  if (input.membership) {
    conditions.push(Prisma.sql`user_memberships_json(u.app_metadata) @> ${JSON.stringify([input.membership])}::jsonb`);
  }
  return conditions;
}

/**
 * The Filter Hook's restriction of the users this admin may see, as one parenthesised SQL condition
 * over `users u` and `connections c`; null when unrestricted. It is ANDed with the admin's own
 * conditions, so a filter can only narrow what they see.
 */
export async function userVisibilityCondition(
  actor: Actor,
  input: Partial<Pick<ListUsersInput, "search" | "q" | "connection" | "membership">> = {},
): Promise<Prisma.Sql | null> {
  const run = await runActiveHook(
    "filter",
    [
      {
        request: hookRequest(actor),
        payload: { search: searchOf(input)?.text ?? "", filterBy: { connection: input.connection, membership: input.membership } },
      },
    ],
    filterHookResultSchema,
    actor,
  );
  return run.configured && run.result ? Prisma.sql`(${filterRestrictionToSql(run.result)})` : null;
}

export async function listUsers(actor: Actor, input: ListUsersInput, options: { countBound?: number } = {}): Promise<UserPage> {
  const countBound = options.countBound ?? COUNT_BOUND;
  requirePermission(actor, "users:read");
  const db = await getDatabase();
  const conditions = userListConditions(input);
  const visibility = await userVisibilityCondition(actor, input);
  if (visibility) conditions.push(visibility);
  const cursorText = input.after ?? input.before;
  const cursor = cursorText ? decodeCursor(cursorText) : null;
  if (cursorText && !cursor) {
    const parameter = input.after ? "after" : "before";
    throw fieldError(parameter, `${parameter}: this page link is not valid (changed, cut short, or from another list). Go back to the first page.`);
  }
  const backwards = Boolean(cursor && input.before);
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const pageConditions = cursor ? [...conditions, keysetCondition(input.sort, input.order, cursor, backwards ? "before" : "after")] : conditions;
  const order = sortColumn(input.sort);
  // Read backwards (the page before a cursor), the order flips, nulls first, and the rows are turned round after.
  const descending = (input.order === "desc") !== backwards;
  // NULLS LAST only where there can be nulls: `created_at DESC NULLS LAST` cannot scan the btree index backwards
  // (1.2 s for page 1 of a million users), `created_at DESC` can.
  const nulls = order.nullable ? (backwards ? Prisma.sql`NULLS FIRST` : Prisma.sql`NULLS LAST`) : Prisma.empty;
  const direction = Prisma.sql`${descending ? Prisma.sql`DESC` : Prisma.sql`ASC`} ${nulls}`;
  const from = Prisma.sql`FROM users u JOIN connections c ON c.id = u.connection_id ${where}`;

  // The page's profiles in one statement outside Prisma's engine (it cost 3× the hand-written SQL at a million users).
  const [rows, countRows] = await Promise.all([
    db.query<UserProfile & { sort_key: string | null }>(Prisma.sql`
      SELECT ${profileColumns()}, ${order.column}::text AS sort_key
      FROM users u JOIN connections c ON c.id = u.connection_id
      ${pageConditions.length ? Prisma.sql`WHERE ${Prisma.join(pageConditions, " AND ")}` : Prisma.empty}
      ORDER BY ${order.column} ${direction}, u.id ${backwards ? Prisma.sql`DESC` : Prisma.sql`ASC`}
      LIMIT ${input.per_page} OFFSET ${cursor ? 0 : (input.page - 1) * input.per_page}`),
    // Counting stops one row past the bound: a million matches cost no more than the bound does.
    db.query<{ total: bigint | number | string }>(Prisma.sql`SELECT count(*) AS total FROM (SELECT 1 ${from} LIMIT ${countBound + 1}) AS bounded`),
  ]);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows.at(-1);
  const listed: UserProfile[] = rows.map(({ sort_key: _key, ...profile }) => profile);
  const { users, hidden } = await readableRows(actor, listed);
  const counted = Number(countRows[0]?.total ?? 0);
  return {
    users,
    hidden,
    total: Math.min(counted, countBound),
    total_exact: counted <= countBound,
    page: input.page,
    per_page: input.per_page,
    next: last && (rows.length === input.per_page || backwards) ? encodeCursor({ key: last.sort_key, id: last.user_id }) : null,
    previous: first && (input.page > 1 || (cursor && !backwards)) ? encodeCursor({ key: first.sort_key, id: first.user_id }) : null,
  };
}
