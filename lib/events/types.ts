import type { JsonObject } from "@/lib/users/profile";

/** The events Delegate emits. Webhook endpoints subscribe to any of them; REST hooks carry only the registration. */
export const EVENT_TYPES = [
  "user.registration.create.complete",
  "user.create.complete",
  "user.update.complete",
  "user.delete.complete",
  "user.restore.complete",
  "user.login.success",
  "user.login.failed",
  "user.logout",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const REGISTRATION_EVENT = "user.registration.create.complete" satisfies EventType;
export type RegistrationEventType = typeof REGISTRATION_EVENT;

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** Where the change came from (FusionAuth's `event.info`), as far as the console knows it. */
export interface EventInfo {
  ipAddress?: string;
  userAgent?: string;
  /** `source`: the channel the change came through (console or api). */
  data?: { source: string };
}

/**
 * The user as FusionAuth's Users API shapes it (seed 004), built from the Delegate profile.
 * Never the password or its hash. Absent values are left out, as FusionAuth does.
 */
export interface EventUser {
  id: string;
  email: string;
  username?: string;
  active: boolean;
  verified: boolean;
  tenantId: string;
  usernameStatus: "ACTIVE";
  passwordChangeRequired: false;
  twoFactorEnabled: false;
  firstName?: string;
  lastName?: string;
  fullName?: string;
  mobilePhone?: string;
  /** user_metadata */
  data: JsonObject;
  /** the Delegate connection the user belongs to */
  connectionId: string;
  insertInstant: number;
  lastUpdateInstant: number;
  lastLoginInstant?: number;
  /** The id the user was imported with (Auth0's `auth0|…`), when it has one: hooks and subscribers can match it. */
  legacyUserId?: string;
}

export interface EventRegistration {
  id: string;
  applicationId: string;
  insertInstant: number;
  roles: string[];
  username?: string;
  usernameStatus: "ACTIVE";
}

interface EventBase<T extends EventType> {
  id: string;
  type: T;
  createInstant: number;
  tenantId: string;
  applicationId: string;
  info: EventInfo;
  user: EventUser;
}

export interface RegistrationEvent extends EventBase<"user.registration.create.complete"> {
  registration: EventRegistration;
}
export type UserCreateEvent = EventBase<"user.create.complete">;
export interface UserUpdateEvent extends EventBase<"user.update.complete"> {
  /** the user before the change */
  original: EventUser;
}
export type UserDeleteEvent = EventBase<"user.delete.complete">;
/** A deleted user put back within the restore window, as it was when deleted. */
export type UserRestoreEvent = EventBase<"user.restore.complete">;

/** A sign-in through the OpenID Connect provider; `applicationId` is the application's client_id. */
export interface UserLoginSuccessEvent extends EventBase<"user.login.success"> {
  authenticationType: "PASSWORD";
  connectorId: string;
  ipAddress?: string;
}
/** Why a sign-in failed: wrong credentials, a blocked user, or a user the application does not admit. */
export type LoginFailureReason = "credentials" | "blocked" | "not_allowed";
export interface UserLoginFailedEvent extends EventBase<"user.login.failed"> {
  authenticationType: "PASSWORD";
  ipAddress?: string;
  reason: { code: LoginFailureReason };
}
export type UserLogoutEvent = EventBase<"user.logout">;

export interface EventBodies {
  "user.registration.create.complete": RegistrationEvent;
  "user.create.complete": UserCreateEvent;
  "user.update.complete": UserUpdateEvent;
  "user.delete.complete": UserDeleteEvent;
  "user.restore.complete": UserRestoreEvent;
  "user.login.success": UserLoginSuccessEvent;
  "user.login.failed": UserLoginFailedEvent;
  "user.logout": UserLogoutEvent;
}

/** What a webhook endpoint receives, and what the outbox stores in `events.payload`. */
export interface EventEnvelope<T extends EventType = EventType> {
  event: EventBodies[T];
}

/** An outbox row as the delivery engine hands it to a destination. */
export interface StoredEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  payload: EventEnvelope<T>;
  /** The payload as the outbox stores it (JSON text): what a webhook endpoint receives. */
  body: string;
  createdAt: Date;
}
