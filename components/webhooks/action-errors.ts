import type { ActionError } from "@/lib/actions/safe-action";

/**
 * The field errors of an action about one form field: `url`, or any part of it (`headers.X-Team`,
 * `retrySchedule.2`), also when the action nests the form (`changes.url`).
 */
export function errorsFor(error: ActionError | null, field: string): [string, string][] {
  return Object.entries(error?.fieldErrors ?? {}).filter(([key]) => {
    const path = key.replace(/^changes\./, "");
    return path === field || path.startsWith(`${field}.`);
  });
}

export function errorFor(error: ActionError | null, field: string): string | undefined {
  return errorsFor(error, field)[0]?.[1];
}
