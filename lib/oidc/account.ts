import type { Account, KoaContextWithOIDC } from "oidc-provider";
import { getPrisma } from "@/lib/db/client";
import { membershipsOf, toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";
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
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { id: sub }, select: userSelect }).catch(() => null);
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
