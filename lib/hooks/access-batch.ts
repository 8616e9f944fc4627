import type { Actor } from "@/lib/auth/actor";
import type { UserProfile } from "@/lib/users/profile";
import { auth0User, hookRequest } from "./context";
import { executeHook, recordHookExecution, type ActiveHook } from "./execute";
import { HOOK_NAMES } from "./kinds";
import { HookError, wrapHookSource } from "./sandbox";

export type RowVerdict = { allowed: true } | { allowed: false; message: string; refused: boolean };

/**
 * Calls the Access Hook with `read:user` for every row of a listed page in ONE sandbox run: the hook is
 * evaluated once and called once per row, each call with its own ctx and callback (a hundred fresh
 * sandboxes would cost several times the listing itself). A row is allowed by `callback()` or by a
 * promise that resolves (for a hook without a callback parameter); anything else denies it. The run's
 * deadline is the hook's own for each started 25 rows.
 */
export async function accessVerdicts(hook: ActiveHook, actor: Actor, users: UserProfile[]): Promise<RowVerdict[]> {
  const request = hookRequest(actor);
  const rows = users.map((user) => ({ payload: { user: auth0User(user), action: "read:user" } }));
  const run = await executeHook(
    { ...hook, code: batchDriver(hook.code), timeoutMs: hook.timeoutMs * Math.ceil(rows.length / 25) },
    [{ rows, request }],
    { actor, adminCode: hook.code, record: () => false },
  );
  const verdicts = run.ok && Array.isArray(run.result) && run.result.length === rows.length ? (run.result as unknown[]) : null;
  const failure = verdicts ? firstFailure(verdicts) : undefined;
  if (!run.ok || failure || run.logs.length > 0) {
    const error = failure === undefined ? run.error : new HookError(HOOK_NAMES.access, "thrown", failure);
    await recordHookExecution("access", { ...run, ok: !error, outcome: error ? (run.ok ? "error" : run.outcome) : "success", error });
  }
  return rows.map((_, index) => {
    if (!verdicts) return { allowed: false, refused: false, message: run.error?.message ?? "The Access Hook failed." };
    const verdict = verdicts[index] as { allowed?: boolean; message?: string; refused?: boolean } | null;
    if (verdict?.allowed === true) return { allowed: true };
    return { allowed: false, refused: verdict?.refused === true, message: String(verdict?.message ?? "Denied by the Access Hook.") };
  });
}

/** The message of the first row whose call failed (threw or rejected), as opposed to a refusal. */
function firstFailure(verdicts: unknown[]): string | undefined {
  const failed = verdicts.find((verdict) => verdict && typeof verdict === "object" && (verdict as { refused?: boolean }).refused === false);
  return failed ? String((failed as { message?: unknown }).message) : undefined;
}

/** The hook wrapped in a driver that calls it once per row; the admin's code is embedded as it is evaluated alone. */
export function batchDriver(code: string): string {
  return `function (batch, done) {
  var hook = ${wrapHookSource(code).text};
  var rows = batch.rows, verdicts = new Array(rows.length), remaining = rows.length;
  if (remaining === 0) return done(null, []);
  // The admin's profile crosses into the sandbox once; each call still gets its own copy.
  var requestJson = JSON.stringify(batch.request);
  function settle(index, verdict) {
    if (verdicts[index]) return;
    verdicts[index] = verdict;
    if (--remaining === 0) done(null, verdicts);
  }
  function describe(error) { return error && error.message !== undefined ? String(error.message) : String(error); }
  rows.forEach(function (ctx, index) {
    ctx.request = index === 0 ? batch.request : JSON.parse(requestJson);
    ctx.log = batch.log; ctx.read = batch.read; ctx.write = batch.write; ctx.global = {};
    function callback(error) { settle(index, error ? { allowed: false, refused: true, message: describe(error) } : { allowed: true }); }
    try {
      var returned = hook(ctx, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then(function () { if (hook.length < 2) callback(); }, function (error) { settle(index, { allowed: false, refused: false, message: describe(error) }); });
      }
    } catch (error) {
      settle(index, { allowed: false, refused: false, message: describe(error) });
    }
  });
}`;
}
