import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import { parseUserQuery, type QueryNode, UserQueryError, userQueryToSql } from "@/lib/users/query";

/**
 * Delegate's own JSON filter, one of the Filter Hook's result forms: a small filter over profile
 * fields and metadata paths, turned into a parameterised WHERE clause. No value is ever spliced into
 * SQL; field names are looked up in a fixed table and metadata paths are passed as a text[] parameter.
 *
 *   { "field": "memberships", "equals": "Finance" }
 *   { "field": "app_metadata.region", "in": ["EU", "UK"] }
 *   { "and": [ …filters ] }   { "or": [ …filters ] }
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

/** What a Filter Hook's result restricts the list to; null is no restriction. */
export type FilterRestriction = { kind: "query"; query: string; node: QueryNode } | { kind: "json"; filter: UserFilter };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The Filter Hook's result, as DAE takes it: a query string in Auth0's user-search syntax, an object
 * `{ query }` (DAE's search-engine override; its other keys are ignored), nothing or an empty query (no
 * restriction), or Delegate's JSON filter. A query the parser does not support is an invalid result
 * naming the character: it never falls back to "no restriction".
 */
export const filterHookResultSchema = z.unknown().transform((result, context): FilterRestriction | null => {
  if (result === null || result === undefined) return null;
  const isQueryObject = isRecord(result) && Object.hasOwn(result, "query");
  if (typeof result === "string" || isQueryObject) {
    const query = isQueryObject ? result.query : result;
    if (query === null || query === undefined) return null;
    if (typeof query !== "string") {
      context.addIssue({ code: "custom", path: ["query"], message: "query must be a string in Auth0's user-search syntax" });
      return z.NEVER;
    }
    try {
      const node = parseUserQuery(query);
      return node ? { kind: "query", query, node } : null;
    } catch (error) {
      if (!(error instanceof UserQueryError)) throw error;
      context.addIssue({ code: "custom", message: `the query ${JSON.stringify(query)} cannot be used: ${error.message}` });
      return z.NEVER;
    }
  }
  const parsed = userFilterSchema.safeParse(result);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) context.addIssue({ code: "custom", path: issue.path, message: issue.message });
    return z.NEVER;
  }
  return { kind: "json", filter: parsed.data };
});

/** The SQL condition of a Filter Hook's restriction (tables `users u` and `connections c`). */
export function filterRestrictionToSql(restriction: FilterRestriction): Prisma.Sql {
  return restriction.kind === "query" ? userQueryToSql(restriction.node) : userFilterToSql(restriction.filter);
}

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

const metadataSource = (root: string) => (root === "app_metadata" ? Prisma.sql`u.app_metadata` : Prisma.sql`u.user_metadata`);

function fieldExpression(field: string): Prisma.Sql {
  const column = COLUMNS[field];
  if (column) return column;
  const [root, ...path] = field.split(".");
  return Prisma.sql`(${metadataSource(root)} #>> ${path}::text[])`;
}

const JSONB_NUMBER_TEXT = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * Documents that every stored value whose text (`#>>`) is one of `texts` contains: the string, and
 * the number or boolean it spells, nested at the path. Null when no such set exists (a text that is an
 * array's or object's JSON, or a number past double precision): then there is no index prefilter.
 */
function containingDocuments(path: string[], texts: string[]): string[] | null {
  const documents: string[] = [];
  for (const text of texts) {
    const numeric = /^-?\d+(\.\d+)?$/.test(text);
    if (/^[[{]/.test(text) || (numeric && !JSONB_NUMBER_TEXT.test(text))) return null;
    const typed: unknown[] = [text];
    if (numeric) typed.push(Number(text));
    if (text === "true" || text === "false") typed.push(text === "true");
    for (const value of typed) documents.push(JSON.stringify(path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value)));
  }
  return documents;
}

/**
 * A metadata path's text compared with `texts`, preceded by a containment test that the GIN index on the
 * metadata column answers (users_app_metadata_idx / users_user_metadata_idx); the text comparison keeps
 * the filter's meaning exactly.
 */
function metadataTextIn(field: string, texts: string[]): Prisma.Sql {
  const [root, ...path] = field.split(".");
  const comparison =
    texts.length === 1 ? Prisma.sql`${fieldExpression(field)} = ${texts[0]}` : Prisma.sql`${fieldExpression(field)} = ANY(${texts}::text[])`;
  const documents = containingDocuments(path, texts);
  return documents ? Prisma.sql`(${metadataSource(root)} @> ANY(${documents}::jsonb[]) AND ${comparison})` : comparison;
}

/** The SQL condition of a validated JSON filter (tables `users u` and `connections c`). */
export function userFilterToSql(filter: UserFilter): Prisma.Sql {
  if ("and" in filter) return Prisma.sql`(${Prisma.join(filter.and.map(userFilterToSql), " AND ")})`;
  if ("or" in filter) return Prisma.sql`(${Prisma.join(filter.or.map(userFilterToSql), " OR ")})`;
  if (filter.field === "memberships") {
    // user_memberships_json() is inlined by PostgreSQL and backed by a GIN index (second migration).
    if ("in" in filter) return Prisma.sql`user_memberships_json(u.app_metadata) ?| ${filter.in.map(String)}::text[]`;
    if (filter.equals === null) return Prisma.sql`user_memberships_json(u.app_metadata) = '[]'::jsonb`;
    return Prisma.sql`user_memberships_json(u.app_metadata) @> ${JSON.stringify([String(filter.equals)])}::jsonb`;
  }
  const isMetadata = !Object.hasOwn(COLUMNS, filter.field);
  const expression = fieldExpression(filter.field);
  if ("in" in filter) {
    if (filter.in.length === 0) return Prisma.sql`FALSE`;
    const texts = filter.in.map(String);
    return isMetadata ? metadataTextIn(filter.field, texts) : Prisma.sql`${expression} = ANY(${texts}::text[])`;
  }
  if (filter.equals === null) return Prisma.sql`${expression} IS NULL`;
  return isMetadata ? metadataTextIn(filter.field, [String(filter.equals)]) : Prisma.sql`${expression} = ${String(filter.equals)}`;
}
