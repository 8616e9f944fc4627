import type { ActionResult } from "@/lib/actions/safe-action";

/** How often the console reads a running job again (bulk actions, imports). */
export const JOB_POLL_MS = 500;

/** A job in one of these states does not change any more. */
export const FINISHED_JOB_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

/** A server action's data, or its error's message thrown (the pollers show it). */
export async function actionData<T>(call: Promise<ActionResult<T>>): Promise<T> {
  const result = await call;
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}
