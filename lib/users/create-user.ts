import crypto from "node:crypto";
import { requirePermission, type Actor } from "@/lib/auth/actor";
import { hashPassword, passwordPolicyViolation } from "@/lib/auth/password";
import { userFieldChanges } from "@/lib/audit/changes";
import { auditFailures, auditInsert } from "@/lib/audit/record";
import { findDatabaseConnection } from "@/lib/connections/connections";
import { getDatabase } from "@/lib/db/client";
import { getTenant } from "@/lib/tenant/tenant";
import { assertMembershipsAllowed } from "@/lib/departments/memberships";
import { DomainError, fieldError, mapPrismaError } from "@/lib/errors";
import { notifyOutbox, outboxInsert, userChangeEvents } from "@/lib/events/enqueue";
import { signalOutboxWrite } from "@/lib/events/outbox-signal";
import { Prisma } from "@/lib/generated/prisma/client";
import { composeAccountMail } from "@/lib/account/compose-mail";
import { accountLinksInsert, newAccountLink } from "@/lib/account/tokens";
import { mailEventsInsert, mailRowsInsert } from "@/lib/mail/outbox";
import { assertMetadataAllowed, getConsoleSettings, validateUserFields } from "@/lib/hooks/console-settings";
import { newUserRecord } from "@/lib/hooks/write-hook";
import type { CreateUserInput } from "@/lib/schemas/user";
import { assertUserAccess } from "./access";
import { toUserProfile, type UserProfile, type UserRow } from "./profile";

interface Credentials {
  /** null for an invited user, until they accept. */
  passwordHash: string | null;
  passwordChangeRequired: boolean;
  invitedAt: Date | null;
}

function userInsert(user: UserRow, credentials: Credentials): Prisma.Sql {
  const timestamp = user.createdAt.toISOString();
  return Prisma.sql`
    INSERT INTO users (id, connection_id, email, email_verified, username, password_hash, name, given_name, family_name,
      phone_number, user_metadata, app_metadata, created_at, updated_at, password_change_required, invited_at, blocked, legacy_user_id)
    VALUES (${user.id}::uuid, ${user.connection.id}, ${user.email}, ${user.emailVerified}, ${user.username}, ${credentials.passwordHash},
      ${user.name}, ${user.givenName}, ${user.familyName}, ${user.phoneNumber}, ${JSON.stringify(user.userMetadata)}::jsonb,
      ${JSON.stringify(user.appMetadata)}::jsonb, ${timestamp}::timestamp, ${timestamp}::timestamp,
      ${credentials.passwordChangeRequired}, ${credentials.invitedAt?.toISOString() ?? null}::timestamp, ${user.blocked}, ${user.legacyUserId})`;
}

/** What an import adds to a create (lib/users/import): everything else is the create of the console and the API. */
export interface CreateUserOptions {
  /** Every check and hook runs, nothing is written (not even a failure's audit entry): an import's dry run. */
  dryRun?: boolean;
  /** A hash imported from another system (lib/auth/imported-hash.ts) instead of a password: not hashed again, no policy. */
  importedHash?: string;
  /** The id the user had where it came from (`auth0|…`). */
  legacyUserId?: string;
  /** Created blocked: allowed when the admin may block the new user (Access Hook `block:user`). */
  blocked?: boolean;
  /** A statement committed with the user, in the same statement (an import's row record). */
  alongside?: (user: UserProfile) => Prisma.Sql;
  /** Added to the audit entry's details (the import job's id). */
  auditDetails?: Prisma.InputJsonObject;
}

/** An invitation: its link (stored hashed) and its mail, written in the statement that creates the user. */
async function invitationStatements(actor: Actor, user: UserRow): Promise<Prisma.Sql> {
  const { link, url } = newAccountLink("invitation", user, { createdById: actor.id, now: user.createdAt });
  const mail = await composeAccountMail("invitation", toUserProfileLike(user), url, link.expiresAt, user.createdAt);
  return Prisma.sql`, invitation AS (${accountLinksInsert([link])}), mail_rows AS (${mailRowsInsert([mail])}),
    mail_events AS (${mailEventsInsert([mail])})`;
}

const toUserProfileLike = (user: UserRow) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  given_name: user.givenName,
  family_name: user.familyName,
});

/**
 * Creates a database-connection user: role and settings checks, the Write Hook (which decides
 * what is written), validation of what it returned, then one statement for the user, its outbox
 * events and its audit entry (and, for an invitation, its link and mail). Nothing is written when
 * any step fails.
 */
export async function createUser(actor: Actor, input: CreateUserInput, options: CreateUserOptions = {}): Promise<UserProfile> {
  const guard = <T>(change: () => Promise<T>) =>
    options.dryRun ? change() : auditFailures(actor, { action: "user.create", targetEmail: input.email, details: options.auditDetails }, change);
  return guard(async () => {
    requirePermission(actor, "users:write");
    const settings = await getConsoleSettings(actor);
    if (!settings.canCreateUser) {
      throw new DomainError("forbidden", "Creating users is turned off for your account (Settings Query Hook).");
    }
    if (settings.connections && !settings.connections.includes(input.connection)) {
      throw fieldError("connection", `You cannot create users in the connection "${input.connection}".`);
    }
    assertMetadataAllowed(actor, settings, input, "create");
    await validateUserFields(actor, settings, input, "create");
    // The two hooks are independent: the membership check starts first so that its awaits overlap
    // the Write Hook's (over the API the demo hooks cost 4–7 % of create throughput this way, 11–12 %
    // one after the other), and a Write Hook refusal still wins over a membership refusal.
    const membershipsChecked = assertMembershipsAllowed(actor, input.memberships);
    membershipsChecked.catch(() => {});
    const record = await newUserRecord(actor, input, settings);
    await membershipsChecked;

    const connection = await findDatabaseConnection(record.connection);
    if (connection.requiresUsername && !record.username) {
      throw fieldError("username", `The connection "${connection.name}" requires a username.`);
    }
    const invite = input.send_invitation;
    if (!invite && options.importedHash === undefined) {
      if (record.password === undefined) throw fieldError("password", "Enter a password, or send an invitation.");
      const policyMessage = passwordPolicyViolation(record.password, connection);
      if (policyMessage) throw fieldError("password", policyMessage);
    }

    // An invited user has no password until they choose one, whatever a Write Hook returned.
    const setsPassword = !invite && (options.importedHash !== undefined || record.password !== undefined);
    const passwordHash = !setsPassword ? null : (options.importedHash ?? (options.dryRun ? "" : await hashPassword(record.password!)));
    const now = new Date();
    const user: UserRow = {
      id: crypto.randomUUID(),
      email: record.email,
      emailVerified: invite ? false : (record.email_verified ?? false),
      username: record.username ?? null,
      name: record.name ?? null,
      givenName: record.given_name ?? null,
      familyName: record.family_name ?? null,
      phoneNumber: record.phone_number ?? null,
      phoneVerified: false,
      userMetadata: record.user_metadata as Prisma.JsonObject,
      appMetadata: record.app_metadata as Prisma.JsonObject,
      blocked: options.blocked ?? false,
      createdAt: now,
      updatedAt: now,
      lastLogin: null,
      loginsCount: 0,
      legacyUserId: options.legacyUserId ?? null,
      connection: { id: connection.id, name: connection.name },
    };
    const profile = toUserProfile(user);
    if (options.blocked) await assertUserAccess(actor, profile, "block:user");
    if (options.dryRun) return profile;
    const events = userChangeEvents(actor, { kind: "create", user }, await getTenant());
    const audit = auditInsert(actor, {
      action: "user.create",
      targetUserId: user.id,
      targetEmail: user.email,
      details: {
        connection: connection.name,
        memberships: input.memberships,
        ...(invite ? { invitation: true } : {}),
        ...(input.password_change_required ? { password_change_required: true } : {}),
        ...options.auditDetails,
        changes: userFieldChanges(null, profile, { password: passwordHash !== null }),
      },
    });
    const credentials: Credentials = {
      passwordHash,
      passwordChangeRequired: !invite && input.password_change_required,
      invitedAt: invite ? now : null,
    };
    const invitation = invite ? await invitationStatements(actor, user) : Prisma.empty;
    // One statement, so one implicit transaction: the user, its outbox events and its audit entry
    // commit together, without the round trips of an interactive transaction.
    const database = await getDatabase();
    await database
      .query(
        Prisma.sql`
          WITH new_user AS (${userInsert(user, credentials)}), outbox AS (${outboxInsert(events)}), audit AS (${audit})
            ${invitation} ${options.alongside ? Prisma.sql`, alongside AS (${options.alongside(profile)})` : Prisma.empty}
          ${notifyOutbox}`,
      )
      .catch(mapPrismaError);
    signalOutboxWrite();
    return profile;
  });
}
