import type { Account, KoaContextWithOIDC } from "oidc-provider";
import { getDatabase } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { isUuid } from "@/lib/schemas/common";
import { membershipsOf, toUserProfile, type UserProfile, type UserRow } from "@/lib/users/profile";
import type { ApplicationClient } from "./clients";

/** The claims a user's profile gives an application (the provider keeps those its scopes allow). */
export function profileClaims(profile: UserProfile, app: Pick<ApplicationClient, "groups_claim" | "app_metadata_claims" | "user_metadata_claims">) {
  const pick = (source: Record<string, unknown>, keys: readonly string[]) =>
    Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
  const claims: Record<string, unknown> = {
    sub: profile.user_id,
    email: profile.email,
    email_verified: profile.email_verified,
    name: profile.name ?? undefined,
    given_name: profile.given_name ?? undefined,
    family_name: profile.family_name ?? undefined,
    nickname: profile.username ?? profile.email.split("@")[0],
    preferred_username: profile.username ?? profile.email,
    phone_number: profile.phone_number ?? undefined,
    phone_number_verified: profile.phone_number ? profile.phone_verified : undefined,
    updated_at: Math.floor(new Date(profile.updated_at).getTime() / 1000),
    [app.groups_claim]: membershipsOf(profile),
  };
  if (app.app_metadata_claims.length) claims.app_metadata = pick(profile.app_metadata, app.app_metadata_claims);
  if (app.user_metadata_claims.length) claims.user_metadata = pick(profile.user_metadata, app.user_metadata_claims);
  return claims;
}

/**
 * oidc-provider's findAccount: the user, or nothing when it no longer exists or is blocked (the
 * provider then refuses refresh tokens and userinfo for it).
 */
export async function findAccount(ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
  if (!isUuid(sub)) return undefined;
  const db = await getDatabase();
  // Read on every token and userinfo request: one prepared statement, not Prisma's query engine.
  const [row] = await db.query<UserRow>(Prisma.sql`
    SELECT u.id, u.email, u.email_verified AS "emailVerified", u.username, u.name, u.given_name AS "givenName",
      u.family_name AS "familyName", u.phone_number AS "phoneNumber", u.phone_verified AS "phoneVerified",
      u.user_metadata AS "userMetadata", u.app_metadata AS "appMetadata", u.blocked, u.created_at AS "createdAt",
      u.updated_at AS "updatedAt", u.last_login AS "lastLogin", u.logins_count AS "loginsCount",
      json_build_object('id', c.id, 'name', c.name) AS connection
    FROM users u JOIN connections c ON c.id = u.connection_id WHERE u.id = ${sub}::uuid`);
  if (!row || row.blocked) return undefined;
  const profile = toUserProfile(row);
  return {
    accountId: sub,
    claims: () => {
      const client = ctx.oidc.client as unknown as ApplicationClient | undefined;
      return profileClaims(profile, client ?? { groups_claim: "groups", app_metadata_claims: [], user_metadata_claims: [] }) as never;
    },
  };
}
