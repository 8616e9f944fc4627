import type { Prisma } from "@/lib/generated/prisma/client";
import { parseUserQuery } from "./parse";
import { userQueryToSql } from "./to-sql";

export { UserQueryError } from "./errors";
export { looksLikeUserQuery, parseUserQuery, QUERY_LIMITS, type QueryNode } from "./parse";
export { userQueryToSql } from "./to-sql";

/** A query in Auth0's user-search syntax as one SQL condition; null when the query is empty. */
export function userQueryCondition(query: string): Prisma.Sql | null {
  const node = parseUserQuery(query);
  return node ? userQueryToSql(node) : null;
}
