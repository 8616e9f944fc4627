import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import {
  emailSchema,
  familyNameSchema,
  givenNameSchema,
  metadataSchema,
  nameSchema,
  passwordSchema,
  phoneNumberSchema,
  usernameSchema,
} from "@/lib/schemas/common";
import { DomainError } from "@/lib/errors";
import type { CreateUserInput, UpdateUserInput } from "@/lib/schemas/user";
import { membershipsOf, type JsonObject, type UserProfile } from "@/lib/users/profile";
import type { ConsoleSettings } from "./console-settings";
import { hookRequest } from "./context";
import { checkHookResult, runActiveHook } from "./execute";

/** The profile fields a user is written with: what the Write Hook returns (Auth0 Management API names). */
const profileFields = {
  email: emailSchema,
  password: passwordSchema,
  username: usernameSchema.nullish(),
  name: nameSchema,
  given_name: givenNameSchema,
  family_name: familyNameSchema,
  phone_number: phoneNumberSchema,
  email_verified: z.boolean().optional(),
  user_metadata: metadataSchema,
  app_metadata: metadataSchema,
};

/** Keys Delegate does not store (such as `memberships`, or `verify_email` for Auth0) are accepted and ignored, as DAE passes them to Auth0. */
export const writeHookCreateResultSchema = z.object({
  ...profileFields,
  /** Absent for an invitation (the user chooses it); createUser requires it otherwise. */
  password: passwordSchema.optional(),
  connection: z.string({ error: "connection is required" }).min(1),
  user_metadata: metadataSchema.default({}),
  app_metadata: metadataSchema.default({}),
});
export type NewUserRecord = z.output<typeof writeHookCreateResultSchema>;

export const writeHookUpdateResultSchema = z.object({ ...profileFields, connection: z.string().min(1) }).partial();
export type UserChanges = z.output<typeof writeHookUpdateResultSchema>;

/** The create form's values as the Write Hook's `ctx.payload`. */
function createPayload(input: CreateUserInput) {
  return {
    memberships: input.memberships ?? [],
    email: input.email,
    password: input.password,
    connection: input.connection,
    username: input.username ?? undefined,
    name: input.name ?? undefined,
    given_name: input.given_name ?? undefined,
    family_name: input.family_name ?? undefined,
    phone_number: input.phone_number ?? undefined,
    email_verified: input.email_verified,
    app_metadata: input.app_metadata ?? {},
    user_metadata: input.user_metadata ?? {},
  };
}

/** DAE's `ctx.defaultPayload`: what DAE writes when the Write Hook returns nothing. */
function defaultPayload(input: CreateUserInput) {
  return {
    email: input.email,
    username: input.username ?? undefined,
    password: input.password,
    connection: input.connection,
    app_metadata: input.memberships.length > 0 ? { memberships: input.memberships } : {},
  };
}

/**
 * What a create writes: the Write Hook's result when one is saved (nothing means `ctx.defaultPayload`,
 * as in DAE), otherwise the input with the memberships kept in `app_metadata.memberships`.
 */
export async function newUserRecord(actor: Actor, input: CreateUserInput, settings: ConsoleSettings): Promise<NewUserRecord> {
  const payload = createPayload(input);
  const fallback = defaultPayload(input);
  const run = await runActiveHook(
    "write",
    [{ method: "create", payload, defaultPayload: fallback, request: hookRequest(actor), userFields: settings.userFields }],
    z.preprocess((result) => result ?? fallback, writeHookCreateResultSchema),
    actor,
  );
  if (run.configured) return run.result;
  const { memberships, ...fields } = payload;
  return writeHookCreateResultSchema.parse({
    ...fields,
    app_metadata: { ...input.app_metadata, memberships },
  });
}

const ACCOUNT_STATE_FIELDS = new Set(["blocked", "email_verified", "phone_verified", "password_change_required"]);
/** Changed without the Write Hook unless the Settings Query Hook returns user fields (DAE's change-email/-username/-password routes). */
const CREDENTIAL_FIELDS = new Set(["email", "username", "password"]);

/** The profile fields an update changes (account state is applied by the caller). */
export function profileChangeKeys(input: UpdateUserInput): string[] {
  return Object.keys(input).filter((key) => !ACCOUNT_STATE_FIELDS.has(key));
}

/** DAE's rule: every profile change goes through the Write Hook; email, username and password only when user fields are declared. */
export function updateRunsWriteHook(input: UpdateUserInput, settings: ConsoleSettings): boolean {
  const keys = profileChangeKeys(input);
  if (keys.length === 0) return false;
  return settings.userFields.length > 0 || keys.some((key) => !CREDENTIAL_FIELDS.has(key));
}

/**
 * Top-level merge, as Auth0's Management API applies a PATCH of metadata: returned keys replace, a
 * null removes, other keys stay. `base` is the submitted object when the admin edited it whole.
 */
function mergeMetadata(base: JsonObject, returned: Record<string, unknown>): JsonObject {
  const merged: JsonObject = { ...base, ...returned };
  for (const [key, value] of Object.entries(returned)) if (value === null) delete merged[key];
  return merged;
}

/**
 * The profile changes an update makes. With a Write Hook (see updateRunsWriteHook) it gets only the
 * changed fields in `ctx.payload` (plus `memberships`, which Delegate's edit form always carries) and
 * the whole user in `ctx.request.originalUser`; only the keys it returns change, and returned metadata
 * is merged like Auth0's PATCH. A result of nothing writes the submitted changes. Account state
 * (`blocked`, `email_verified`, `phone_verified`, `password_change_required`) is applied by the caller.
 */
export async function userChanges(
  actor: Actor,
  current: UserProfile,
  input: UpdateUserInput,
  settings: ConsoleSettings,
): Promise<UserChanges> {
  const {
    memberships,
    blocked: _blocked,
    phone_verified: _phoneVerified,
    email_verified: _emailVerified,
    password_change_required: _passwordChangeRequired,
    ...fields
  } = input;
  const submitted: UserChanges = { ...fields };
  if (memberships !== undefined) {
    submitted.app_metadata = { ...(input.app_metadata ?? current.app_metadata), memberships };
  }
  if (!updateRunsWriteHook(input, settings)) return submitted;

  const payload = { ...fields, memberships: memberships ?? membershipsOf(current) };
  const hook = await runActiveHook(
    "write",
    [{ method: "update", payload, request: hookRequest(actor, current), userFields: settings.userFields }],
    z.preprocess((result) => result ?? submitted, writeHookUpdateResultSchema),
    actor,
  );
  if (!hook.configured) return submitted;
  const changes: UserChanges = { ...hook.result };
  for (const root of ["app_metadata", "user_metadata"] as const) {
    const returned = changes[root];
    if (!returned) continue;
    // The merge is what is stored: it is held to the limits of direct input (size), not only the part returned.
    const merged = checkHookResult("write", z.object({ [root]: metadataSchema }), { [root]: mergeMetadata(input[root] ?? current[root], returned) });
    if (!merged.ok) throw new DomainError("hook", merged.message);
    changes[root] = merged.result[root] as JsonObject;
  }
  return changes;
}
