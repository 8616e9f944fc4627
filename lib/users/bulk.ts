import { DomainError } from "@/lib/errors";

const UNEXPECTED = "Something went wrong on the server for this user. If it persists, check the server log.";

/** What a bulk action says about a user whose change failed: the single action's message, or a generic one (logged). */
export function refusalMessage(error: unknown, userId: string): string {
  if (error instanceof DomainError) return error.message;
  console.error(`Unexpected error in a bulk action for user ${userId}:`, error);
  return UNEXPECTED;
}
