import { getPrisma } from "@/lib/db/client";
import { DomainError, forbidden, unauthorized } from "@/lib/errors";
import { toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";
import { adminRolesOf, permissionsOf, type Permission, type Role } from "./roles";

/**
 * `account`: the user themselves, through a mailed link or the users' pages (no admin behind it);
 * `oidc`: a user signing in to an application through the OpenID Connect provider.
 */
export type Channel = "console" | "api" | "system" | "account" | "oidc";

export interface RequestInfo {
  ipAddress?: string;
  userAgent?: string;
}

/** The signed-in admin on whose behalf a domain function runs. */
export interface Actor extends RequestInfo {
  id: string;
  email: string;
  roles: Role[];
  permissions: Set<Permission>;
  /** The admin's full profile: hooks receive it as `ctx.request.user`. */
  profile: UserProfile;
  channel: Channel;
  apiTokenId?: string;
}

/**
 * Loads the admin fresh from the database on every request, so that a role removed or a block
 * applied takes effect at once, whatever the session cookie or API token says.
 */
export async function loadActor(
  userId: string,
  channel: Channel,
  request: RequestInfo = {},
  apiTokenId?: string,
  /** A console session's generation (lib/auth/sessions.ts): refused once the admin's has moved on. */
  sessionGeneration?: number,
): Promise<Actor> {
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { id: userId }, select: { ...userSelect, sessionGeneration: true } });
  if (!row) throw unauthorized("Your account no longer exists. Sign in again.");
  if (sessionGeneration !== undefined && row.sessionGeneration !== sessionGeneration) {
    throw unauthorized("Your session has ended. Sign in again.");
  }
  const profile = toUserProfile(row);
  if (profile.blocked) throw new DomainError("unauthorized", "Your account is blocked. Contact your administrator.");
  const roles = adminRolesOf(profile.app_metadata);
  if (roles.length === 0) throw forbidden("Your account has no Delegated Admin role, so it cannot use this console.");
  return { id: row.id, email: row.email, roles, permissions: permissionsOf(roles), profile, channel, apiTokenId, ...request };
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

const PERMISSION_MESSAGES: Record<Permission, string> = {
  "users:read": "Your role does not allow viewing users.",
  "users:write": "Your role does not allow changing users.",
  "logs:read": "Your role does not allow reading logs.",
  "logs:read_all": "Your role reads only the log entries about the users you may see and your own actions.",
  "logs:verify": "Only Auditors and Administrators can verify the audit log.",
  "config:manage": "Only Administrators can change the configuration.",
  "access:evaluate": "Only Administrators and Auditors can evaluate other admins' access.",
};

export function permissionMessage(permission: Permission): string {
  return PERMISSION_MESSAGES[permission];
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw forbidden(PERMISSION_MESSAGES[permission]);
}

