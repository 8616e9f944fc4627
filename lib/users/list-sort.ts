import { Prisma } from "@/lib/generated/prisma/client";
import type { UserSort } from "@/lib/schemas/user";

/** How the list orders by one property: the SQL expression, its type (for a keyset cursor), whether it can be null. */
export interface SortColumn {
  column: Prisma.Sql;
  cast: Prisma.Sql;
  nullable: boolean;
}

const text = Prisma.sql`text`;
const COLUMNS: Record<string, SortColumn> = {
  email: { column: Prisma.sql`u.email`, cast: text, nullable: false },
  name: { column: Prisma.sql`u.name`, cast: text, nullable: true },
  created_at: { column: Prisma.sql`u.created_at`, cast: Prisma.sql`timestamp`, nullable: false },
  last_login: { column: Prisma.sql`u.last_login`, cast: Prisma.sql`timestamp`, nullable: true },
  updated_at: { column: Prisma.sql`u.updated_at`, cast: Prisma.sql`timestamp`, nullable: false },
  username: { column: Prisma.sql`u.username`, cast: text, nullable: true },
  given_name: { column: Prisma.sql`u.given_name`, cast: text, nullable: true },
  family_name: { column: Prisma.sql`u.family_name`, cast: text, nullable: true },
  phone_number: { column: Prisma.sql`u.phone_number`, cast: text, nullable: true },
  logins_count: { column: Prisma.sql`u.logins_count`, cast: Prisma.sql`integer`, nullable: false },
};

/**
 * The SQL order of a sort the schema accepted: a profile column, or a metadata path
 * (`app_metadata.a.b`), ordered as text (the path's segments are letters, digits, `_` and `-` only).
 */
export function sortColumn(sort: UserSort): SortColumn {
  const known = COLUMNS[sort];
  if (known) return known;
  const [document, ...path] = sort.split(".");
  const source = document === "app_metadata" ? Prisma.sql`u.app_metadata` : Prisma.sql`u.user_metadata`;
  return { column: Prisma.sql`(${source} #>> ${`{${path.join(",")}}`}::text[])`, cast: text, nullable: true };
}

/** A position in the list: the sort key of a row (as text) and its id, the tie-breaker. */
export interface ListCursor {
  key: string | null;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor as the opaque text of a page link (`after` / `before`). */
export const encodeCursor = (cursor: ListCursor): string => Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString("base64url");

/** The cursor of a page link, or null when the text is not one (altered, truncated, from elsewhere). */
export function decodeCursor(text: string): ListCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [key, id] = value as unknown[];
    if ((key !== null && (typeof key !== "string" || key.length > 500)) || typeof id !== "string" || !UUID.test(id)) return null;
    return { key, id };
  } catch {
    return null;
  }
}

/**
 * The rows after (or before) a cursor in the list's order: the sort column in `order`, users without a value
 * last, then the id ascending. Keyset pagination: a deep page costs what the first one does, where OFFSET
 * reads and drops every row before it.
 */
export function keysetCondition(sort: UserSort, order: "asc" | "desc", cursor: ListCursor, side: "after" | "before"): Prisma.Sql {
  const { column, cast, nullable } = sortColumn(sort);
  const later = side === "after";
  if (cursor.key === null) {
    // Users without a value come last, among themselves by id.
    const byId = later ? Prisma.sql`u.id > ${cursor.id}::uuid` : Prisma.sql`u.id < ${cursor.id}::uuid`;
    return later ? Prisma.sql`(${column} IS NULL AND ${byId})` : Prisma.sql`(${column} IS NOT NULL OR (${column} IS NULL AND ${byId}))`;
  }
  const key = Prisma.sql`${cursor.key}::${cast}`;
  // Beyond the key in the direction asked: greater after it in an ascending list, or before it in a descending one.
  const greater = later === (order === "asc");
  const beyond = Prisma.sql`${column} ${greater ? Prisma.sql`>` : Prisma.sql`<`} ${key}`;
  // The redundant bound lets PostgreSQL scan the column's index from the cursor on.
  const bound = Prisma.sql`${column} ${greater ? Prisma.sql`>=` : Prisma.sql`<=`} ${key}`;
  const ties = Prisma.sql`(${beyond} OR (${column} = ${key} AND u.id ${later ? Prisma.sql`>` : Prisma.sql`<`} ${cursor.id}::uuid))`;
  if (!nullable) return Prisma.sql`(${bound} AND ${ties})`;
  // After a valued row come the other valued ones beyond it, then every user without a value; before it, valued ones only.
  return later ? Prisma.sql`(${ties} OR ${column} IS NULL)` : ties;
}
