import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { memoize } from "@/lib/cache/memo";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { customDataFunctions, mayUseCustomData } from "./custom-data";
import { currentEvaluation } from "./evaluation-scope";
import { HOOK_NAMES, type HookKind } from "./kinds";
import { mayRequire, recordedFetch } from "./outbound";
import { type HookRunResult, type HostFunction } from "./sandbox";
import { runHookOnThread } from "./sandbox-threads";
import { secretValuesIn } from "./secret-values";

export interface ActiveHook {
  kind: HookKind;
  code: string;
  timeoutMs: number;
}

/** Every saved and enabled hook, read in one query and kept for a second (hooks run on every request). */
export const activeHooks = memoize(1_000, async () => {
  const prisma = await getPrisma();
  const hooks = await prisma.hook.findMany({ where: { enabled: true }, select: { kind: true, code: true, timeoutMs: true } });
  return new Map(hooks.map((hook) => [hook.kind, { ...hook, kind: hook.kind as HookKind }]));
});

/** The saved, enabled hook of a kind, or null: with no hook the console's built-in behaviour applies. */
export async function loadActiveHook(kind: HookKind): Promise<ActiveHook | null> {
  const draft = currentEvaluation()?.drafts.get(kind);
  if (draft) return draft;
  return (await activeHooks.get()).get(kind) ?? null;
}

/**
 * Executions kept for the Hooks page: every run of the post-registration hook, and the runs of the
 * others that failed or logged something. A silent successful run of a hook on the request path
 * (every create, list and page view) is not worth an extra write.
 */
const RECORD_EVERY_RUN: ReadonlySet<HookKind> = new Set(["post_registration"]);

export async function recordHookExecution(
  kind: HookKind,
  run: HookRunResult,
  links: { userId?: string; eventId?: string } = {},
): Promise<void> {
  if (run.ok && run.logs.length === 0 && !RECORD_EVERY_RUN.has(kind)) return;
  try {
    const prisma = await getPrisma();
    await prisma.hookExecution.create({
      data: {
        kind,
        durationMs: run.durationMs,
        outcome: run.outcome,
        error: run.error?.message.slice(0, 2000) ?? null,
        logs: run.logs as unknown as Prisma.InputJsonArray,
        userId: links.userId ?? null,
        eventId: links.eventId ?? null,
      },
    });
  } catch (error) {
    console.error(`Could not record a ${HOOK_NAMES[kind]} execution:`, (error as Error).message);
  }
}

export interface ExecuteOptions {
  /** The admin on whose behalf the hook runs: gives DAE's hooks ctx.read() / ctx.write() (audited as this admin). */
  actor?: Actor;
  hostFunctions?: Record<string, HostFunction>;
  guestPrelude?: string;
  requireHint?: string;
  links?: { userId?: string; eventId?: string };
  /** The admin's own code when `hook.code` wraps it: what decides the capabilities the run gets (modules, custom data). */
  adminCode?: string;
  /** Whether this run is worth keeping on the Hooks page; by default failures, logs, and every post-registration run. */
  record?: (run: HookRunResult) => boolean;
}

/** DAE's `ctx.global` cache object, empty in every run here (each run has a fresh sandbox); added only for hooks that name it. */
function withContextGlobal(code: string, args: unknown[]): unknown[] {
  const [context, ...rest] = args;
  if (!/\bglobal\b/.test(code) || !context || typeof context !== "object" || Array.isArray(context)) return args;
  return [{ global: {}, ...context }, ...rest];
}

/** Runs a hook and records the execution; the raw result, for callers that handle failure themselves. */
export async function executeHook(hook: ActiveHook, args: unknown[], options: ExecuteOptions = {}): Promise<HookRunResult> {
  const adminCode = options.adminCode ?? hook.code;
  const evaluation = currentEvaluation();
  const outbound = mayRequire(adminCode) ? await recordedFetch() : undefined;
  const customData = options.actor && mayUseCustomData(adminCode) ? customDataFunctions(options.actor, hook.kind) : undefined;
  if (customData && evaluation) customData.write = async () => undefined;
  const run = await runHookOnThread({
    hookName: HOOK_NAMES[hook.kind],
    code: hook.code,
    args: withContextGlobal(adminCode, args),
    modules: outbound && { fetch: outbound.fetch },
    contextFunctions: customData,
    timeoutMs: hook.timeoutMs,
    hostFunctions: options.hostFunctions,
    guestPrelude: options.guestPrelude,
    requireHint: options.requireHint,
    contextLog: hook.kind !== "post_registration",
    secretValues: secretValuesIn(args),
  }, evaluation?.lane ?? options.actor?.id ?? hook.kind);
  if (outbound) run.logs.push(...outbound.requests);
  if (evaluation) evaluation.runs.push({ kind: hook.kind, run });
  else if (!options.record || options.record(run)) await recordHookExecution(hook.kind, run, options.links);
  return run;
}

/**
 * Runs the active hook of a kind and validates its result with `schema`. A hook's error reaches
 * the admin verbatim (a `hook` DomainError, 400). Returns `{ configured: false }` without a hook.
 */
export async function runActiveHook<S extends z.ZodType>(
  kind: HookKind,
  args: unknown[],
  schema: S,
  actor?: Actor,
): Promise<{ configured: false } | { configured: true; result: z.output<S> }> {
  const hook = await loadActiveHook(kind);
  if (!hook) return { configured: false };
  const run = await executeHook(hook, args, { actor });
  if (!run.ok) {
    const message = run.error?.message ?? `${HOOK_NAMES[kind]} failed.`;
    // A hook's error that names a field (`error.field = 'email'`) is shown on that field of the form.
    throw new DomainError("hook", message, run.error?.field ? { [run.error.field]: message } : undefined);
  }
  const checked = checkHookResult(kind, schema, run.result);
  if (!checked.ok) throw new DomainError("hook", checked.message);
  return { configured: true, result: checked.result };
}

/** A hook's result checked against its kind's contract: the message is what the console and the Runner show. */
export function checkHookResult<S extends z.ZodType>(
  kind: HookKind,
  schema: S,
  result: unknown,
): { ok: true; result: z.output<S> } | { ok: false; message: string } {
  const parsed = schema.safeParse(result);
  if (parsed.success) return { ok: true, result: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  const problem = (issue?.message ?? "unknown problem").replace(/\.$/, "");
  return { ok: false, message: `${HOOK_NAMES[kind]} returned an invalid result${where}: ${problem}.` };
}
