import crypto from "node:crypto";
import type { TenantSettings } from "@/lib/tenant/tenant";
import type { UserProfile } from "@/lib/users/profile";
import type { EventBodies, EventEnvelope, EventInfo, EventType, EventUser } from "./types";

export interface EventSource {
  channel: string;
  ipAddress?: string;
  userAgent?: string;
}

const instant = (iso: string) => new Date(iso).getTime();
const present = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export function eventInfo(source: EventSource): EventInfo {
  return { ipAddress: source.ipAddress, userAgent: source.userAgent, data: { source: source.channel } };
}

export function eventUser(profile: UserProfile, tenantId: string): EventUser {
  const fullName = profile.name ?? ([profile.given_name, profile.family_name].filter(Boolean).join(" ") || null);
  return {
    id: profile.user_id,
    email: profile.email,
    username: present(profile.username),
    active: !profile.blocked,
    verified: profile.email_verified,
    tenantId,
    usernameStatus: "ACTIVE",
    passwordChangeRequired: false,
    twoFactorEnabled: false,
    firstName: present(profile.given_name),
    lastName: present(profile.family_name),
    fullName: present(fullName),
    mobilePhone: present(profile.phone_number),
    data: profile.user_metadata,
    connectionId: profile.connection_id,
    insertInstant: instant(profile.created_at),
    lastUpdateInstant: instant(profile.updated_at),
    lastLoginInstant: profile.last_login ? instant(profile.last_login) : undefined,
    ...(profile.legacy_user_id && { legacyUserId: profile.legacy_user_id }),
  };
}

/** The roles of the registration: the strings in `app_metadata.roles`. */
function registrationRoles(profile: UserProfile): string[] {
  const roles = profile.app_metadata.roles;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : [];
}

export type UserChange =
  | { kind: "create"; user: UserProfile }
  | { kind: "update"; user: UserProfile; original: UserProfile }
  | { kind: "delete"; user: UserProfile }
  | { kind: "restore"; user: UserProfile };

/** The events one change emits, in the order receivers should see them. */
export function userEvents(
  change: UserChange,
  tenant: Pick<TenantSettings, "id" | "applicationId">,
  source: EventSource,
  now = Date.now(),
): EventEnvelope[] {
  const base = <T extends EventType>(type: T) => ({
    id: crypto.randomUUID(),
    type,
    createInstant: now,
    tenantId: tenant.id,
    applicationId: tenant.applicationId,
    info: eventInfo(source),
    user: eventUser(change.user, tenant.id),
  });
  const wrap = <T extends EventType>(event: EventBodies[T]): EventEnvelope => ({ event }) as EventEnvelope;

  if (change.kind === "create") {
    const registration: EventBodies["user.registration.create.complete"] = {
      ...base("user.registration.create.complete"),
      registration: {
        id: crypto.randomUUID(),
        applicationId: tenant.applicationId,
        insertInstant: instant(change.user.created_at),
        roles: registrationRoles(change.user),
        username: present(change.user.username),
        usernameStatus: "ACTIVE",
      },
    };
    return [wrap(registration), wrap<"user.create.complete">(base("user.create.complete"))];
  }
  if (change.kind === "update") {
    return [wrap<"user.update.complete">({ ...base("user.update.complete"), original: eventUser(change.original, tenant.id) })];
  }
  if (change.kind === "restore") return [wrap<"user.restore.complete">(base("user.restore.complete"))];
  return [wrap<"user.delete.complete">(base("user.delete.complete"))];
}
