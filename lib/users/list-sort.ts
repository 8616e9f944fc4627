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
