import { DomainError, fieldError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { adminRolesOf, ROLES } from "./roles";

// Any constant works: it only has to differ from the other advisory locks (lib/db/migrate.ts).
const ADMINISTRATORS_LOCK_KEY = 4_407_115_001;

export const LAST_ADMINISTRATOR_MESSAGE =
  "Delegate needs at least one unblocked Administrator: make another user an Administrator first.";

export const hasAdministratorRole = (appMetadata: unknown) => adminRolesOf(appMetadata).includes(ROLES.administrator);

/** Would this change leave the user without an unblocked Administrator role (so it needs the guard)? */
export function mayRemoveAdministrator(change: { blocked?: unknown; appMetadata?: unknown }): boolean {
  return change.blocked === true || (change.appMetadata !== undefined && !hasAdministratorRole(change.appMetadata));
}

/** An Administrator removing their own role could leave no one who can give it back: refused up front. */
export function assertNotDemotingYourself(actor: { id: string; roles: readonly string[] }, userId: string, appMetadata: unknown): void {
  if (userId !== actor.id || !actor.roles.includes(ROLES.administrator) || appMetadata === undefined) return;
  if (!hasAdministratorRole(appMetadata)) {
    throw fieldError(
      "app_metadata",
      `You cannot remove your own "${ROLES.administrator}" role: ask another Administrator to do it.`,
    );
  }
}

/**
 * Serialises the changes that may remove an Administrator (block, demotion, delete): call it in the
 * change's transaction before its write. The lock is held until the transaction ends, so two admins
 * demoting each other at once run one after the other and the second sees the first's commit.
 */
export async function lockAdministrators(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMINISTRATORS_LOCK_KEY}::bigint)`;
}

/**
 * After the write, in the same transaction: refuses (409) when no unblocked Administrator is left. Containment on
 * the whole document uses the GIN index on app_metadata (0.06 ms at 20,000 users; `app_metadata -> 'roles' @>`
 * scanned the table: 7.4 ms, and it runs for every block and delete).
 */
export async function assertAnAdministratorRemains(tx: Prisma.TransactionClient, field?: string): Promise<void> {
  const [{ remaining }] = await tx.$queryRaw<{ remaining: number }[]>`
    SELECT count(*)::int AS remaining FROM users
    WHERE NOT blocked AND app_metadata @> ${JSON.stringify({ roles: [ROLES.administrator] })}::jsonb`;
  if (remaining > 0) return;
  throw field ? fieldError(field, LAST_ADMINISTRATOR_MESSAGE, "conflict") : new DomainError("conflict", LAST_ADMINISTRATOR_MESSAGE);
}
