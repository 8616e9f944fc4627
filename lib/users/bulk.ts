import { DomainError } from "@/lib/errors";

/** What happened to one user of a bulk action: done, or refused with the message the single action gives. */
export type BulkUserResult = { user_id: string; ok: true } | { user_id: string; ok: false; message: string };

const UNEXPECTED = "Something went wrong on the server for this user. If it persists, check the server log.";

/** What a bulk action says about a user whose change failed: the single action's message, or a generic one (logged). */
export function refusalMessage(error: unknown, userId: string): string {
  if (error instanceof DomainError) return error.message;
  console.error(`Unexpected error in a bulk action for user ${userId}:`, error);
  return UNEXPECTED;
}

/**
 * Runs a single-user change for each user in turn (each id once, in the order given). A refusal is that
 * user's result and the others go on; the change itself does every check and audit of the single action.
 */
export async function forEachUser(userIds: readonly string[], change: (userId: string) => Promise<unknown>): Promise<BulkUserResult[]> {
  const results: BulkUserResult[] = [];
  for (const userId of new Set(userIds)) {
    try {
      await change(userId);
      results.push({ user_id: userId, ok: true });
    } catch (error) {
      results.push({ user_id: userId, ok: false, message: refusalMessage(error, userId) });
    }
  }
  return results;
}
