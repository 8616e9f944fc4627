import { requirePermission, type Actor } from "@/lib/auth/actor";
import { assertAnAdministratorRemains, assertNotDemotingYourself, lockAdministrators, mayRemoveAdministrator } from "@/lib/auth/administrators";
import { hashPassword, passwordPolicyViolation } from "@/lib/auth/password";
import { changeEndsSessions } from "@/lib/auth/sessions";
import { revokeOidcStateStatement } from "@/lib/oidc/revoke";
import { userFieldChanges, type FieldChange } from "@/lib/audit/changes";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { getTenant } from "@/lib/tenant/tenant";
import { assertMembershipsAllowed } from "@/lib/departments/memberships";
import { DomainError, fieldError } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertMetadataAllowed, getConsoleSettings, metadataDiff, validateUserFields } from "@/lib/hooks/console-settings";
import { userChanges, type UserChanges } from "@/lib/hooks/write-hook";
import type { UpdateUserInput } from "@/lib/schemas/user";
import { newAddressMail } from "@/lib/account/address-change";
import { assertUserAccess, type UserAction } from "./access";
import { loadVersionedUserFor, type VersionedUser } from "./get-user";
import { toUserProfile, userSelect, type UserProfile } from "./profile";
import { assertExpectedVersion, refuseStaleWrite, type ExpectedVersions } from "./user-version";

/** The Access Hook actions an update needs, from the fields it changes. */
export function actionsForUpdate(input: UpdateUserInput): UserAction[] {
  const actions = new Set<UserAction>();
  for (const key of Object.keys(input) as (keyof UpdateUserInput)[]) {
    if (key === "email") actions.add("change:email");
    else if (key === "username") actions.add("change:username");
    else if (key === "password" || key === "password_change_required") actions.add("change:password");
    else if (key === "blocked") actions.add(input.blocked ? "block:user" : "unblock:user");
    else if (key === "email_verified") actions.add("verify:email");
    else actions.add("change:profile");
  }
  return [...actions];
}

/** The audit action names one update is recorded under. */
function auditAction(input: UpdateUserInput): string {
  const keys = Object.keys(input);
  if (keys.length !== 1) return "user.update";
  const single: Record<string, string> = {
    email: "user.change_email",
    username: "user.change_username",
    password: "user.change_password",
    password_change_required: "user.require_password_change",
    email_verified: "user.verify_email",
    blocked: input.blocked ? "user.block" : "user.unblock",
    user_metadata: "user.change_metadata",
    app_metadata: "user.change_metadata",
  };
  return single[keys[0]] ?? "user.update";
}

/** Writes more in the transaction of a change (a bulk job's result for the user: both commit or neither). */
export type AlsoInTransaction = (tx: Prisma.TransactionClient) => Promise<unknown>;
/** An update's `also` is also handed the user as written and the changes its audit entry records (an import's row record). */
export type AlsoInUpdate = (tx: Prisma.TransactionClient, written: { user: UserProfile; changes: FieldChange[] }) => Promise<unknown>;

export async function updateUser(
  actor: Actor,
  userId: string,
  input: UpdateUserInput,
  expected?: ExpectedVersions,
  also?: AlsoInTransaction,
): Promise<UserProfile> {
  return (await updateVersionedUser(actor, userId, input, expected, also)).user;
}

/** What an import adds to an update (lib/users/import): everything else is the update of the console and the API. */
export interface UpdateUserOptions {
  /** Every check and hook runs, nothing is written (not even a failure's audit entry); the answer is the user as it would be. */
  dryRun?: boolean;
  /** A hash imported from another system (lib/auth/imported-hash.ts) as the new password: not hashed again, no policy. */
  importedHash?: string;
  /** Added to the audit entry's details (the import job's id). */
  auditDetails?: Prisma.InputJsonObject;
}

/**
 * Changes a user. With `expected` (the versions the client read: the API's If-Match, the console form's
 * version) the change is refused as stale (412) unless the user is still at one of them when written:
 * the UPDATE's WHERE names the version read here, so a change made in between is never overwritten.
 */
export async function updateVersionedUser(
  actor: Actor,
  userId: string,
  input: UpdateUserInput,
  expected?: ExpectedVersions,
  also?: AlsoInUpdate,
  options: UpdateUserOptions = {},
): Promise<VersionedUser & { changes: FieldChange[] }> {
  // An imported hash comes with `password_change_required: false` (lib/users/import/import-row.ts): a password change.
  const action = options.importedHash !== undefined && Object.keys(input).length === 1 ? "user.change_password" : auditAction(input);
  const guard = <T>(change: () => Promise<T>) =>
    options.dryRun ? change() : auditFailures(actor, { action, targetUserId: userId, details: { fields: Object.keys(input), ...options.auditDetails } }, change);
  return guard(async () => {
    requirePermission(actor, "users:write");
    const actions = actionsForUpdate(input);
    const { user: current, version } = await loadVersionedUserFor(actor, userId, actions[0] ?? "change:profile");
    assertExpectedVersion(expected, version);
    for (const extra of actions.slice(1)) await assertUserAccess(actor, current, extra);

    const settings = await getConsoleSettings(actor);
    // Other admins change only the metadata paths the Settings Query Hook declares as edit fields.
    assertMetadataAllowed(
      actor,
      settings,
      {
        user_metadata: input.user_metadata && metadataDiff(current.user_metadata, input.user_metadata),
        app_metadata: input.app_metadata && metadataDiff(current.app_metadata, input.app_metadata),
      },
      "edit",
    );
    if (input.blocked && userId === actor.id) throw new DomainError("forbidden", "You cannot block yourself.");
    if (input.memberships !== undefined) await assertMembershipsAllowed(actor, input.memberships);

    if (hasProfileChanges(input)) await validateUserFields(actor, settings, { ...current, ...input }, "edit");
    const changes = hasProfileChanges(input) ? await userChanges(actor, current, input, settings) : {};
    const data = await profileUpdateData(current, changes, options.dryRun);
    if (options.importedHash !== undefined) data.passwordHash = options.importedHash;
    if (input.email_verified !== undefined) data.emailVerified = input.email_verified;
    if (input.phone_verified !== undefined) data.phoneVerified = input.phone_verified;
    if (input.blocked !== undefined) data.blocked = input.blocked;
    // A password an admin sets is temporary only when they say so; the flag alone sets or clears the demand.
    if (data.passwordHash !== undefined || input.password_change_required !== undefined) {
      data.passwordChangeRequired = input.password_change_required ?? false;
    }
    if (data.passwordHash !== undefined) data.invitedAt = null;
    assertNotDemotingYourself(actor, userId, data.appMetadata);
    if (changeEndsSessions(current, data)) data.sessionGeneration = { increment: 1 };
    // A new password or a block also signs the user out of every application (lib/oidc/revoke.ts).
    const endsApplicationSessions = data.passwordHash !== undefined || data.blocked === true;
    const guardAdministrators = mayRemoveAdministrator(data);

    const credentials = {
      password: data.passwordHash !== undefined,
      passwordChangeRequired: data.passwordChangeRequired as boolean | undefined,
    };
    if (options.dryRun) {
      const after = profileAfter(current, data);
      return { user: after, version, changes: userFieldChanges(current, after, credentials) };
    }
    const prisma = await getPrisma();
    const tenant = await getTenant();
    const addressMail = typeof data.email === "string" && data.emailVerified !== true ? await newAddressMail(actor, current, data.email) : null;
    const row = await prisma
      .$transaction(async (tx) => {
        if (guardAdministrators) await lockAdministrators(tx);
        const updated = await tx.user.update({
          where: expected === undefined ? { id: userId } : { id: userId, version },
          data,
          select: { ...userSelect, version: true },
        });
        if (endsApplicationSessions) await tx.$executeRaw(revokeOidcStateStatement(userId));
        if (guardAdministrators) await assertAnAdministratorRemains(tx, data.appMetadata === undefined ? undefined : "app_metadata");
        await enqueueUserEvents(tx, actor, { kind: "update", user: updated, original: current }, tenant);
        if (addressMail) await addressMail.write(tx);
        const fieldChanges = userFieldChanges(current, toUserProfile(updated), credentials);
        await recordAudit(tx, actor, {
          action,
          targetUserId: userId,
          targetEmail: updated.email,
          details: {
            fields: Object.keys(input),
            written: Object.keys(changes).filter((key) => key !== "password"),
            ...options.auditDetails,
            changes: fieldChanges,
            ...(addressMail ? { mail_id: addressMail.mailId, mail_kind: addressMail.kind } : {}),
          },
        });
        await also?.(tx, { user: toUserProfile(updated), changes: fieldChanges });
        return { updated, fieldChanges };
      })
      .catch((error: unknown) => refuseStaleWrite(error, userId, expected));
    return { user: toUserProfile(row.updated), version: row.updated.version, changes: row.fieldChanges };
  });
}

const ACCOUNT_STATE_FIELDS = new Set(["blocked", "email_verified", "phone_verified", "password_change_required"]);
const hasProfileChanges = (input: UpdateUserInput) => Object.keys(input).some((key) => !ACCOUNT_STATE_FIELDS.has(key));

/** The user as an update would leave it (a dry run's answer): `data` holds plain values there. */
function profileAfter(current: UserProfile, data: Prisma.UserUpdateInput): UserProfile {
  const pick = <T>(value: unknown, fallback: T): T => (value === undefined ? fallback : (value as T));
  return {
    ...current,
    email: pick(data.email, current.email),
    email_verified: pick(data.emailVerified, current.email_verified),
    username: pick(data.username, current.username),
    name: pick(data.name, current.name),
    given_name: pick(data.givenName, current.given_name),
    family_name: pick(data.familyName, current.family_name),
    phone_number: pick(data.phoneNumber, current.phone_number),
    phone_verified: pick(data.phoneVerified, current.phone_verified),
    blocked: pick(data.blocked, current.blocked),
    user_metadata: pick(data.userMetadata, current.user_metadata),
    app_metadata: pick(data.appMetadata, current.app_metadata),
  };
}

/** Validates the profile changes against the user's connection and turns them into a Prisma update (a dry run hashes no password). */
async function profileUpdateData(current: UserProfile, changes: UserChanges, dryRun = false): Promise<Prisma.UserUpdateInput> {
  const data: Prisma.UserUpdateInput = {};
  if (changes.connection !== undefined && changes.connection !== current.connection) {
    throw new DomainError("hook", "The Write Hook cannot move a user to another connection.");
  }
  const prisma = await getPrisma();
  const connection = await prisma.connection.findUniqueOrThrow({ where: { id: current.connection_id } });
  if (changes.email !== undefined && changes.email !== current.email) {
    data.email = changes.email;
    data.emailVerified = changes.email_verified ?? false;
  } else if (changes.email_verified !== undefined) {
    data.emailVerified = changes.email_verified;
  }
  if (changes.username !== undefined) {
    if (!changes.username && connection.requiresUsername) {
      throw fieldError("username", `The connection "${connection.name}" requires a username.`);
    }
    data.username = changes.username ?? null;
  }
  if (changes.password !== undefined) {
    const policyMessage = passwordPolicyViolation(changes.password, connection);
    if (policyMessage) throw fieldError("password", policyMessage);
    data.passwordHash = dryRun ? "" : await hashPassword(changes.password);
  }
  if (changes.name !== undefined) data.name = changes.name;
  if (changes.given_name !== undefined) data.givenName = changes.given_name;
  if (changes.family_name !== undefined) data.familyName = changes.family_name;
  if (changes.phone_number !== undefined) data.phoneNumber = changes.phone_number;
  if (changes.user_metadata !== undefined) data.userMetadata = changes.user_metadata as Prisma.InputJsonObject;
  if (changes.app_metadata !== undefined) data.appMetadata = changes.app_metadata as Prisma.InputJsonObject;
  return data;
}
