import { Prisma } from "@/lib/generated/prisma/client";

const ISO = Prisma.raw(`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`);

/**
 * A user's profile (`UserProfile`, Auth0's names) as the columns of one SELECT over `users u JOIN connections c`,
 * for `Database.query`: no Prisma engine, no second query for the connection. Times are formatted by
 * PostgreSQL as `toISOString` does (the columns are UTC without a zone, which `pg` would read as local time).
 * Never the password hash.
 */
export function profileColumns(metadata: "read" | "empty" = "read"): Prisma.Sql {
  const documents =
    metadata === "read" ? Prisma.sql`u.user_metadata, u.app_metadata` : Prisma.sql`'{}'::jsonb AS user_metadata, '{}'::jsonb AS app_metadata`;
  return Prisma.sql`u.id::text AS user_id, u.email, u.email_verified, u.username, u.name, u.given_name, u.family_name,
    u.phone_number, u.phone_verified, ${documents}, u.blocked, c.name AS connection, u.connection_id,
    to_char(u.created_at, ${ISO}) AS created_at, to_char(u.updated_at, ${ISO}) AS updated_at,
    to_char(u.last_login, ${ISO}) AS last_login, u.logins_count`;
}
