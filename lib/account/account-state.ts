import { getPrisma } from "@/lib/db/client";

export interface AccountState {
  /** An invitation is open: the user has not chosen a password yet. */
  invited: boolean;
  hasPassword: boolean;
  passwordChangeRequired: boolean;
}

/** The account state of users the caller may already see (the list's page, the user page). */
export async function accountStates(userIds: string[]): Promise<Map<string, AccountState>> {
  if (userIds.length === 0) return new Map();
  const prisma = await getPrisma();
  const rows = await prisma.user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, invitedAt: true, passwordHash: true, passwordChangeRequired: true },
  });
  return new Map(
    rows.map((row) => [
      row.id,
      { invited: row.invitedAt !== null, hasPassword: row.passwordHash !== null, passwordChangeRequired: row.passwordChangeRequired },
    ]),
  );
}
