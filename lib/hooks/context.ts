import type { Actor } from "@/lib/auth/actor";
import type { UserProfile } from "@/lib/users/profile";

/**
 * A user as hooks written for Auth0 read it: the Management API's profile, with `identities` (the
 * database connection the user belongs to) and the admin's `sub`, as DAE passes `req.user`.
 */
export interface Auth0HookUser extends UserProfile {
  sub: string;
  identities: { connection: string; provider: "auth0"; user_id: string; isSocial: false }[];
}

export function auth0User(profile: UserProfile): Auth0HookUser {
  return {
    ...profile,
    sub: profile.user_id,
    identities: [{ connection: profile.connection, provider: "auth0", user_id: profile.user_id, isSocial: false }],
  };
}

/** `ctx.request` as every hook receives it: the signed-in admin (and, on update, the user before the change). */
export function hookRequest(actor: Actor, originalUser?: UserProfile) {
  const user = auth0User(actor.profile);
  return originalUser ? { user, originalUser: auth0User(originalUser) } : { user };
}
