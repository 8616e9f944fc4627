import type { Actor } from "@/lib/auth/actor";
import type { UserProfile } from "@/lib/users/profile";

/** `ctx.request` as every hook receives it: the signed-in admin's full profile. */
export function hookRequest(actor: Actor, originalUser?: UserProfile) {
  return originalUser ? { user: actor.profile, originalUser } : { user: actor.profile };
}
