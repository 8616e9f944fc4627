import { requirePermission, type Actor } from "@/lib/auth/actor";
import { hashPassword, passwordPolicyViolation } from "@/lib/auth/password";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { findDatabaseConnection } from "@/lib/connections/connections";
import { getPrisma } from "@/lib/db/client";
import { getTenant } from "@/lib/tenant/tenant";
import { assertMembershipsAllowed } from "@/lib/departments/memberships";
import { DomainError, fieldError, mapPrismaError } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertMetadataAllowed, getConsoleSettings, validateUserFields } from "@/lib/hooks/console-settings";
import { newUserRecord } from "@/lib/hooks/write-hook";
import type { CreateUserInput } from "@/lib/schemas/user";
import { toUserProfile, userScalarSelect, type UserProfile } from "./profile";

/**
 * Creates a database-connection user: role and settings checks, the Write Hook (which decides
 * what is written), validation of what it returned, then one transaction for the user and its
 * audit entry. Nothing is written when any step fails.
 */
export async function createUser(actor: Actor, input: CreateUserInput): Promise<UserProfile> {
  return auditFailures(actor, { action: "user.create", targetEmail: input.email }, async () => {
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
    const record = await newUserRecord(actor, input, settings);
    await assertMembershipsAllowed(actor, input.memberships);

    const connection = await findDatabaseConnection(record.connection);
    if (connection.requiresUsername && !record.username) {
      throw fieldError("username", `The connection "${connection.name}" requires a username.`);
    }
    const policyMessage = passwordPolicyViolation(record.password, connection);
    if (policyMessage) throw fieldError("password", policyMessage);

    const passwordHash = await hashPassword(record.password);
    const data: Prisma.UserUncheckedCreateInput = {
      connectionId: connection.id,
      email: record.email,
      username: record.username ?? null,
      passwordHash,
      name: record.name ?? null,
      givenName: record.given_name ?? null,
      familyName: record.family_name ?? null,
      phoneNumber: record.phone_number ?? null,
      emailVerified: record.email_verified ?? false,
      userMetadata: record.user_metadata as Prisma.InputJsonObject,
      appMetadata: record.app_metadata as Prisma.InputJsonObject,
    };

    const prisma = await getPrisma();
    const tenant = await getTenant();
    const row = await prisma
      .$transaction(async (tx) => {
        const inserted = await tx.user.create({ data, select: userScalarSelect });
        const created = { ...inserted, connection: { id: connection.id, name: connection.name } };
        await enqueueUserEvents(tx, actor, { kind: "create", user: created }, tenant);
        await recordAudit(tx, actor, {
          action: "user.create",
          targetUserId: created.id,
          targetEmail: created.email,
          details: { connection: connection.name, memberships: input.memberships },
        });
        return created;
      })
      .catch(mapPrismaError);
    return toUserProfile(row);
  });
}
