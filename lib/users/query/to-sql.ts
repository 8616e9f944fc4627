import { Prisma } from "@/lib/generated/prisma/client";
import { dateInterval, type ColumnField, type QueryField } from "./fields";
import { isNumber, type MatchPattern, type QueryNode, type RangeBound } from "./parse";

/*
 * A parsed query as one SQL condition over `users u JOIN connections c`. Every value is a bound
 * parameter; field names come from a fixed table and metadata paths are a text[] parameter or
 * keys of a JSON document built with JSON.stringify. NULLs never leak through NOT: a negation is
 * `IS NOT TRUE`, so a user without the field matches `-field:x`, as in Lucene.
 */

const COLUMNS: Record<ColumnField, Prisma.Sql> = {
  user_id: Prisma.sql`u.id::text`,
  // Emails are stored lower-case (the email schema lower-cases them), so the btree index applies.
  email: Prisma.sql`u.email`,
  email_verified: Prisma.sql`u.email_verified`,
  username: Prisma.sql`u.username`,
  name: Prisma.sql`lower(u.name)`,
  given_name: Prisma.sql`lower(u.given_name)`,
  family_name: Prisma.sql`lower(u.family_name)`,
  // Delegate keeps no nickname: Auth0 gives database users the local part of their email.
  nickname: Prisma.sql`split_part(u.email, '@', 1)`,
  phone_number: Prisma.sql`u.phone_number`,
  blocked: Prisma.sql`u.blocked`,
  logins_count: Prisma.sql`u.logins_count`,
  created_at: Prisma.sql`u.created_at`,
  updated_at: Prisma.sql`u.updated_at`,
  last_login: Prisma.sql`u.last_login`,
  "identities.connection": Prisma.sql`c.name`,
};

/** Fields inside user_search_text(email, name, username), whose trigram index can narrow a text match. */
const IN_SEARCH_TEXT: ReadonlySet<ColumnField> = new Set(["email", "name", "username"]);
const SEARCH_TEXT = Prisma.sql`user_search_text(u.email, u.name, u.username)`;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function likePattern(value: string, pattern: MatchPattern): string {
  const literal = escapeLike(value);
  if (pattern === "prefix") return `${literal}%`;
  if (pattern === "suffix") return `%${literal}`;
  if (pattern === "contains") return `%${literal}%`;
  return literal;
}

const timestamp = (date: Date) => Prisma.sql`${date.toISOString().slice(0, 23).replace("T", " ")}::timestamp`;

function columnMatch(name: ColumnField, type: string, raw: string, pattern: MatchPattern): Prisma.Sql {
  const column = COLUMNS[name];
  if (type === "boolean") return Prisma.sql`${column} = ${raw === "true"}`;
  if (type === "integer") return Prisma.sql`${column} = ${Number(raw)}::integer`;
  if (type === "date") {
    const { start, end } = dateInterval(raw)!;
    return Prisma.sql`(${column} >= ${timestamp(start)} AND ${column} < ${timestamp(end)})`;
  }
  const value = type === "text-ci" ? raw.toLowerCase() : raw;
  const condition =
    pattern === "exact" ? Prisma.sql`${column} = ${value}` : Prisma.sql`${column} LIKE ${likePattern(value, pattern)}`;
  if (IN_SEARCH_TEXT.has(name) && value.length >= 3 && !(name === "email" && pattern === "exact")) {
    return Prisma.sql`(${SEARCH_TEXT} LIKE ${`%${escapeLike(value.toLowerCase())}%`} AND ${condition})`;
  }
  return condition;
}

function columnRange(name: ColumnField, type: string, lower: RangeBound | null, upper: RangeBound | null): Prisma.Sql {
  const column = COLUMNS[name];
  const parts: Prisma.Sql[] = [];
  if (type === "integer") {
    if (lower) parts.push(lower.inclusive ? Prisma.sql`${column} >= ${Number(lower.value)}::integer` : Prisma.sql`${column} > ${Number(lower.value)}::integer`);
    if (upper) parts.push(upper.inclusive ? Prisma.sql`${column} <= ${Number(upper.value)}::integer` : Prisma.sql`${column} < ${Number(upper.value)}::integer`);
  } else {
    // A date names an interval: [2024 TO …] starts with 2024, {2024 TO …] after it; the same for the end.
    if (lower) {
      const { start, end } = dateInterval(lower.value)!;
      parts.push(Prisma.sql`${column} >= ${timestamp(lower.inclusive ? start : end)}`);
    }
    if (upper) {
      const { start, end } = dateInterval(upper.value)!;
      parts.push(Prisma.sql`${column} < ${timestamp(upper.inclusive ? end : start)}`);
    }
  }
  return Prisma.sql`(${Prisma.join(parts, " AND ")})`;
}

const metadataRoot = (field: Extract<QueryField, { kind: "metadata" }>) =>
  field.root === "app_metadata" ? Prisma.sql`u.app_metadata` : Prisma.sql`u.user_metadata`;

/** The values a metadata term stands for: the text, and the number or boolean it spells. */
function typedValues(value: string): (string | number | boolean)[] {
  const values: (string | number | boolean)[] = [value];
  if (isNumber(value) && Number.isFinite(Number(value))) values.push(Number(value));
  if (value === "true" || value === "false") values.push(value === "true");
  return values;
}

function nest(path: string[], leaf: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf);
}

/** Each scalar at the path, or each element when it is an array (Auth0 matches array elements). */
function metadataElements(field: Extract<QueryField, { kind: "metadata" }>, where: (element: Prisma.Sql) => Prisma.Sql): Prisma.Sql {
  const value = Prisma.sql`(${metadataRoot(field)} #> ${field.path}::text[])`;
  return Prisma.sql`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(${value}) WHEN 'array' THEN ${value} ELSE jsonb_build_array(${value}) END) AS m(element) WHERE ${where(Prisma.sql`m.element`)})`;
}

function metadataMatch(field: Extract<QueryField, { kind: "metadata" }>, value: string, pattern: MatchPattern): Prisma.Sql {
  if (pattern === "exact") {
    // Containment: {"department":"Finance"} or {"department":["Finance"]}, for each typed value.
    const documents = typedValues(value).flatMap((typed) => [JSON.stringify(nest(field.path, typed)), JSON.stringify(nest(field.path, [typed]))]);
    return Prisma.sql`${metadataRoot(field)} @> ANY(${documents}::jsonb[])`;
  }
  return metadataElements(
    field,
    (element) => Prisma.sql`(jsonb_typeof(${element}) IN ('string', 'number') AND ${element} #>> '{}' LIKE ${likePattern(value, pattern)})`,
  );
}

function metadataRange(field: Extract<QueryField, { kind: "metadata" }>, lower: RangeBound | null, upper: RangeBound | null): Prisma.Sql {
  const numeric = [lower, upper].every((bound) => !bound || isNumber(bound.value));
  return metadataElements(field, (element) => {
    // The CASE keeps the cast away from elements of the other type (a string is never cast to numeric).
    const value = numeric
      ? Prisma.sql`(CASE WHEN jsonb_typeof(${element}) = 'number' THEN (${element} #>> '{}')::numeric END)`
      : Prisma.sql`(CASE WHEN jsonb_typeof(${element}) = 'string' THEN ${element} #>> '{}' END) COLLATE "C"`;
    const bound = (text: string) => (numeric ? Prisma.sql`${text}::numeric` : Prisma.sql`${text}::text`);
    const parts: Prisma.Sql[] = [];
    if (lower) parts.push(lower.inclusive ? Prisma.sql`${value} >= ${bound(lower.value)}` : Prisma.sql`${value} > ${bound(lower.value)}`);
    if (upper) parts.push(upper.inclusive ? Prisma.sql`${value} <= ${bound(upper.value)}` : Prisma.sql`${value} < ${bound(upper.value)}`);
    return Prisma.sql`(${Prisma.join(parts, " AND ")})`;
  });
}

function exists(field: QueryField): Prisma.Sql {
  if (field.kind === "column") return Prisma.sql`${COLUMNS[field.name]} IS NOT NULL`;
  // Auth0 does not index null, empty arrays or empty objects: they do not exist for a search.
  const value = Prisma.sql`(${metadataRoot(field)} #> ${field.path}::text[])`;
  return Prisma.sql`(${value} IS NOT NULL AND ${value} NOT IN ('null'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
}

/** A parsed query as one parenthesised SQL condition. */
export function userQueryToSql(node: QueryNode): Prisma.Sql {
  switch (node.type) {
    case "and":
      return Prisma.sql`(${Prisma.join(node.children.map(userQueryToSql), " AND ")})`;
    case "or":
      return Prisma.sql`(${Prisma.join(node.children.map(userQueryToSql), " OR ")})`;
    case "not":
      return Prisma.sql`(${userQueryToSql(node.child)} IS NOT TRUE)`;
    case "all":
      return Prisma.sql`TRUE`;
    case "exists":
      return exists(node.field);
    case "range":
      return node.field.kind === "column"
        ? columnRange(node.field.name, node.field.type, node.lower, node.upper)
        : metadataRange(node.field, node.lower, node.upper);
    case "match":
      if (!node.field) return Prisma.sql`${SEARCH_TEXT} LIKE ${likePattern(node.value.toLowerCase(), "contains")}`;
      return node.field.kind === "column"
        ? columnMatch(node.field.name, node.field.type, node.value, node.pattern)
        : metadataMatch(node.field, node.value, node.pattern);
  }
}
