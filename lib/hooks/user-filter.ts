import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * The Filter Hook's result: a small JSON filter over profile fields and metadata paths, turned
 * into a parameterised WHERE clause. No value is ever spliced into SQL; field names are looked up
 * in a fixed table and metadata paths are passed as a text[] parameter.
 *
 *   { "field": "memberships", "equals": "Finance" }
 *   { "field": "app_metadata.region", "in": ["EU", "UK"] }
 *   { "and": [ …filters ] }   { "or": [ …filters ] }   null (no restriction)
 */
export type UserFilter =
  | { field: string; equals: string | number | boolean | null }
  | { field: string; in: (string | number | boolean)[] }
  | { and: UserFilter[] }
  | { or: UserFilter[] };

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
const FIELD_PATTERN = /^(email|username|name|given_name|family_name|connection|blocked|email_verified|memberships|(app_metadata|user_metadata)(\.[A-Za-z0-9_\-]{1,64}){1,5})$/;
const fieldSchema = z.string().regex(FIELD_PATTERN, {
  message:
    "field must be email, username, name, given_name, family_name, connection, blocked, email_verified, memberships, or app_metadata.<path> / user_metadata.<path>",
});

export const userFilterSchema: z.ZodType<UserFilter> = z.lazy(() =>
  z.union([
    z.object({ field: fieldSchema, equals: scalar.nullable() }).strict(),
    z.object({ field: fieldSchema, in: z.array(scalar).max(200) }).strict(),
    z.object({ and: z.array(userFilterSchema).min(1).max(20) }).strict(),
    z.object({ or: z.array(userFilterSchema).min(1).max(20) }).strict(),
  ]),
);

export const filterHookResultSchema = userFilterSchema.nullable().optional();

const COLUMNS: Record<string, Prisma.Sql> = {
  email: Prisma.sql`u.email`,
  username: Prisma.sql`u.username`,
  name: Prisma.sql`u.name`,
  given_name: Prisma.sql`u.given_name`,
  family_name: Prisma.sql`u.family_name`,
  connection: Prisma.sql`c.name`,
  blocked: Prisma.sql`u.blocked::text`,
  email_verified: Prisma.sql`u.email_verified::text`,
};

function fieldExpression(field: string): Prisma.Sql {
  const column = COLUMNS[field];
  if (column) return column;
  const [root, ...path] = field.split(".");
  const source = root === "app_metadata" ? Prisma.sql`u.app_metadata` : Prisma.sql`u.user_metadata`;
  return Prisma.sql`(${source} #>> ${path}::text[])`;
}

/** The SQL condition of a validated filter (tables `users u` and `connections c`). */
export function userFilterToSql(filter: UserFilter): Prisma.Sql {
  if ("and" in filter) return Prisma.sql`(${Prisma.join(filter.and.map(userFilterToSql), " AND ")})`;
  if ("or" in filter) return Prisma.sql`(${Prisma.join(filter.or.map(userFilterToSql), " OR ")})`;
  if (filter.field === "memberships") {
    // user_memberships_json() is inlined by PostgreSQL and backed by a GIN index (second migration).
    if ("in" in filter) return Prisma.sql`user_memberships_json(u.app_metadata) ?| ${filter.in.map(String)}::text[]`;
    if (filter.equals === null) return Prisma.sql`user_memberships_json(u.app_metadata) = '[]'::jsonb`;
    return Prisma.sql`user_memberships_json(u.app_metadata) @> ${JSON.stringify([String(filter.equals)])}::jsonb`;
  }
  const expression = fieldExpression(filter.field);
  if ("in" in filter) {
    if (filter.in.length === 0) return Prisma.sql`FALSE`;
    return Prisma.sql`${expression} = ANY(${filter.in.map(String)}::text[])`;
  }
  if (filter.equals === null) return Prisma.sql`${expression} IS NULL`;
  return Prisma.sql`${expression} = ${String(filter.equals)}`;
}
