import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { loadDeliverySettings } from "@/lib/delivery/settings";
import type { RunHookDraftInput } from "@/lib/schemas/hook";
import type { z } from "zod";
import { membershipsHookResultSchema } from "@/lib/departments/memberships";
import { settingsHookResultSchema } from "../console-settings";
import { checkHookResult } from "../execute";
import { HOOK_NAMES, type HookKind } from "../kinds";
import { filterHookResultSchema } from "../user-filter";
import { writeHookCreateResultSchema, writeHookUpdateResultSchema } from "../write-hook";
import { POST_REGISTRATION_FETCH_PRELUDE, POST_REGISTRATION_REQUIRE_HINT, restrictedFetch } from "../post-registration";
import { mayUseCustomData, readCustomData } from "../custom-data";
import { mayRequire, recordedFetch } from "../outbound";
import { SecretMask, type HookLogEntry, type HostFunction } from "../sandbox";
import { runHookOnThread } from "../sandbox-threads";
import { secretValuesIn } from "../secret-values";

export interface RunnerResult {
  ok: boolean;
  outcome: string;
  result?: unknown;
  error?: { message: string; line?: number; column?: number };
  logs: HookLogEntry[];
  durationMs: number;
}

/** The Runner reads the stored custom data but never writes it: ctx.write() resolves without storing anything. */
function runnerCustomData(): Record<"read" | "write", HostFunction> {
  return {
    async read() {
      return (await readCustomData()).data;
    },
    async write() {
      return undefined;
    },
  };
}

/**
 * The Runner: runs the editor's code (saved or not) against the given context in the sandbox.
 * Nothing is persisted. A post-registration hook is called as (user, context, cb) with the same
 * restricted fetch as in production; the stored secrets are not put into its context (they are
 * write-only), so the context's `webtask.secrets` is whatever the Runner's JSON says.
 */
export async function runHookDraft(actor: Actor, input: RunHookDraftInput): Promise<RunnerResult> {
  requirePermission(actor, "config:manage");
  const context = input.context as Record<string, unknown> | null;
  const args =
    input.kind === "post_registration" && context && typeof context === "object"
      ? [context.user ?? {}, context.context ?? {}]
      : [input.context];
  const postRegistration = input.kind === "post_registration";
  const prisma = postRegistration ? await getPrisma() : null;
  const outbound = mayRequire(input.code) ? await recordedFetch() : undefined;
  const run = await runHookOnThread({
    modules: outbound && { fetch: outbound.fetch },
    hookName: HOOK_NAMES[input.kind],
    code: input.code,
    args,
    timeoutMs: input.timeoutMs,
    contextLog: !postRegistration,
    secretValues: secretValuesIn(args),
    ...(!postRegistration && mayUseCustomData(input.code) && { contextFunctions: runnerCustomData() }),
    ...(prisma && {
      hostFunctions: { __delegateFetch: restrictedFetch(prisma, (await loadDeliverySettings(prisma)).outboundAllowlist) },
      guestPrelude: POST_REGISTRATION_FETCH_PRELUDE,
      requireHint: POST_REGISTRATION_REQUIRE_HINT,
    }),
  }, actor.id);
  if (outbound) run.logs.push(...outbound.requests);
  // The sandbox masked the logs and the error; what the Runner shows of the result is masked here.
  const mask = new SecretMask(secretValuesIn(args));
  const shownResult = maskStrings(run.result, mask);
  const contract = run.ok ? contractOf(input.kind, context) : undefined;
  const checked = contract ? checkHookResult(input.kind, contract, run.result) : undefined;
  if (checked && !checked.ok) {
    return { ok: false, outcome: "invalid_result", result: shownResult, error: { message: checked.message }, logs: run.logs, durationMs: round(run.durationMs) };
  }
  return {
    ok: run.ok,
    outcome: run.outcome,
    result: shownResult,
    error: run.error && { message: run.error.message, line: run.error.line, column: run.error.column },
    logs: run.logs,
    durationMs: round(run.durationMs),
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** A copy of JSON data with the secret values masked in every string (keys included). */
function maskStrings(value: unknown, mask: SecretMask): unknown {
  if (mask.empty) return value;
  if (typeof value === "string") return mask.apply(value);
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, mask));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [mask.apply(key), maskStrings(item, mask)]));
  }
  return value;
}

/** The contract the console checks a result of this kind against (the Write Hook's by ctx.method). */
function contractOf(kind: HookKind, context: Record<string, unknown> | null): z.ZodType | undefined {
  switch (kind) {
    case "write":
      return context?.method === "update" ? writeHookUpdateResultSchema.nullish() : writeHookCreateResultSchema.nullish();
    case "filter":
      return filterHookResultSchema;
    case "memberships":
      return membershipsHookResultSchema;
    case "settings":
      return settingsHookResultSchema;
    default:
      return undefined;
  }
}
