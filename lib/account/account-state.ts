import { getPrisma } from "@/lib/db/client";
import type { UserPage } from "@/lib/users/list-users";
import type { UserProfile } from "@/lib/users/profile";

export interface AccountState {
  /** An invitation is open: the user has not chosen a password yet. */
  invited: boolean;
  hasPassword: boolean;
  passwordChangeRequired: boolean;
}

/** The account state of users the caller may already see (the list's page, the user page, the API). */
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
      {
        invited: row.invitedAt !== null && row.passwordHash === null,
        hasPassword: row.passwordHash !== null,
        passwordChangeRequired: row.passwordChangeRequired,
      },
    ]),
  );
}

/** A user as the API answers it: the profile and `invited` (the console's "Invited"). */
export type ApiUser = UserProfile & { invited: boolean };

/** The profiles with `invited`, in one query for all of them. */
export async function withAccountState(users: UserProfile[]): Promise<ApiUser[]> {
  const states = await accountStates(users.map((user) => user.user_id));
  return users.map((user) => ({ ...user, invited: states.get(user.user_id)?.invited ?? false }));
}

export const apiUser = async (user: UserProfile): Promise<ApiUser> => (await withAccountState([user]))[0];

export const apiUserPage = async (page: UserPage): Promise<Omit<UserPage, "users"> & { users: ApiUser[] }> => ({
  ...page,
  users: await withAccountState(page.users),
});
