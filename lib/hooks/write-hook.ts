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
import type { CreateUserInput, UpdateUserInput } from "@/lib/schemas/user";
import { membershipsOf, type UserProfile } from "@/lib/users/profile";
import type { ConsoleSettings } from "./console-settings";
import { hookRequest } from "./context";
import { runActiveHook } from "./execute";

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

export const writeHookCreateResultSchema = z
  .object({
    ...profileFields,
    connection: z.string({ error: "connection is required" }).min(1),
    user_metadata: metadataSchema.default({}),
    app_metadata: metadataSchema.default({}),
  })
  .strict();
export type NewUserRecord = z.output<typeof writeHookCreateResultSchema>;

export const writeHookUpdateResultSchema = z
  .object({ ...profileFields, connection: z.string().min(1) })
  .partial()
  .strict();
export type UserChanges = z.output<typeof writeHookUpdateResultSchema>;

function basePayload(input: Partial<CreateUserInput>) {
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

/**
 * What a create writes: the Write Hook's result when one is saved, otherwise the input with the
 * memberships kept in `app_metadata.memberships`.
 */
export async function newUserRecord(actor: Actor, input: CreateUserInput, settings: ConsoleSettings): Promise<NewUserRecord> {
  const payload = basePayload(input);
  const run = await runActiveHook(
    "write",
    [{ method: "create", payload, request: hookRequest(actor), userFields: settings.userFields }],
    writeHookCreateResultSchema,
  );
  if (run.configured) return run.result;
  const { memberships, ...fields } = payload;
  return writeHookCreateResultSchema.parse({
    ...fields,
    app_metadata: { ...input.app_metadata, memberships },
  });
}

/**
 * The profile changes an update makes: the Write Hook's result (only the keys it returns change),
 * or the submitted fields. Account state (`blocked`, `email_verified`, `phone_verified`) is not a
 * profile write: the caller applies it, authorized by the Access Hook's own actions.
 */
export async function userChanges(
  actor: Actor,
  current: UserProfile,
  input: UpdateUserInput,
  settings: ConsoleSettings,
): Promise<UserChanges> {
  const hook = await runActiveHook(
    "write",
    [
      {
        method: "update",
        payload: basePayload({
          email: input.email ?? current.email,
          password: input.password,
          connection: current.connection,
          username: input.username === undefined ? (current.username ?? undefined) : (input.username ?? undefined),
          name: input.name === undefined ? current.name : input.name,
          given_name: input.given_name === undefined ? current.given_name : input.given_name,
          family_name: input.family_name === undefined ? current.family_name : input.family_name,
          phone_number: input.phone_number === undefined ? current.phone_number : input.phone_number,
          memberships: input.memberships ?? membershipsOf(current),
          app_metadata: input.app_metadata ?? current.app_metadata,
          user_metadata: input.user_metadata ?? current.user_metadata,
        }),
        request: hookRequest(actor, current),
        userFields: settings.userFields,
      },
    ],
    writeHookUpdateResultSchema,
  );
  if (hook.configured) return hook.result;

  const { memberships, blocked: _blocked, phone_verified: _phoneVerified, email_verified: _emailVerified, ...fields } = input;
  const changes: UserChanges = { ...fields };
  if (memberships !== undefined) {
    changes.app_metadata = { ...(input.app_metadata ?? current.app_metadata), memberships };
  }
  return changes;
}
