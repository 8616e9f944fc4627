import type { Prisma } from "@/lib/generated/prisma/client";

/** Every column but the password hash, which is only ever selected to verify a password. */
export const userSelect = {
  id: true,
  email: true,
  emailVerified: true,
  username: true,
  name: true,
  givenName: true,
  familyName: true,
  phoneNumber: true,
  phoneVerified: true,
  userMetadata: true,
  appMetadata: true,
  blocked: true,
  createdAt: true,
  updatedAt: true,
  lastLogin: true,
  loginsCount: true,
  legacyUserId: true,
  connection: { select: { id: true, name: true } },
} satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

export type JsonObject = Record<string, unknown>;

/**
 * A user as the console, the API and hooks see it: Auth0's Management API field names, so that
 * hooks written for the Delegated Administration extension (`ctx.request.user`,
 * `ctx.request.originalUser`) read the same keys here.
 */
export interface UserProfile {
  user_id: string;
  email: string;
  email_verified: boolean;
  username: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  phone_number: string | null;
  phone_verified: boolean;
  user_metadata: JsonObject;
  app_metadata: JsonObject;
  blocked: boolean;
  connection: string;
  connection_id: string;
  created_at: string;
  updated_at: string;
  last_login: string | null;
  logins_count: number;
  /** The id the user had where it was imported from (`auth0|…`), when it was imported with one. */
  legacy_user_id?: string;
}

const asObject = (value: Prisma.JsonValue): JsonObject =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as JsonObject) : {};

export function toUserProfile(row: UserRow): UserProfile {
  return {
    user_id: row.id,
    email: row.email,
    email_verified: row.emailVerified,
    username: row.username,
    name: row.name,
    given_name: row.givenName,
    family_name: row.familyName,
    phone_number: row.phoneNumber,
    phone_verified: row.phoneVerified,
    user_metadata: asObject(row.userMetadata),
    app_metadata: asObject(row.appMetadata),
    blocked: row.blocked,
    connection: row.connection.name,
    connection_id: row.connection.id,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    last_login: row.lastLogin?.toISOString() ?? null,
    logins_count: row.loginsCount,
    ...(row.legacyUserId !== null && row.legacyUserId !== undefined && { legacy_user_id: row.legacyUserId }),
  };
}

/** The memberships the list shows and filters on: `app_metadata.memberships`, else `app_metadata.department`. */
export function membershipsOf(profile: Pick<UserProfile, "app_metadata">): string[] {
  const { memberships, department } = profile.app_metadata;
  if (Array.isArray(memberships)) return memberships.filter((m): m is string => typeof m === "string");
  return typeof department === "string" ? [department] : [];
}
