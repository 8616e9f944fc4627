/**
 * Runs admin-authored hook code (a function expression, or `module.exports = function …`) inside QuickJS
 * compiled to WebAssembly. Every run gets a fresh QuickJS runtime and context; the guest reaches nothing of
 * the host but JSON data, a `console`, its callback and the host functions passed in.
 *
 * The seams: ./engine.ts drives one run within ./limits.ts; ./guest-modules.ts is what the guest can call
 * (console, require, host functions); ./result-contract.ts decides what a hook may hand back; ./source.ts
 * wraps and compiles the code. The host drives the guest through the QuickJS API rather than a guest-side
 * prelude: QuickJS parses at 70-100 ns per character, so a prelude would cost more than creating the
 * context. The little guest code needed is compiled on demand (./guest-helpers.ts).
 */
import { buildGuestInput, HookExecution } from "./engine";
import { MAX_ERROR_CHARS, pagesForLimit, resolveLimits } from "./limits";
import { createSandboxModule, ModulePool } from "./module-pool";
import { SecretMask } from "./secret-mask";
import { HookError, outcomeOf, sandboxFailure, type HookRunOptions, type HookRunResult, type Settlement } from "./types";

export { GUEST_INTRINSICS } from "./engine";
export {
  DEFAULT_HOOK_MAX_LOG_BYTES,
  DEFAULT_HOOK_MAX_RESULT_BYTES,
  DEFAULT_HOOK_MEMORY_LIMIT_BYTES,
  DEFAULT_HOOK_TIMEOUT_MS,
} from "./limits";
export { MIN_MASKED_SECRET_LENGTH, SECRET_MASK, SecretMask } from "./secret-mask";
export { checkHookSyntax, wrapHookSource } from "./source";
export {
  HookError,
  type HookErrorKind,
  type HookLogEntry,
  type HookLogLevel,
  type HookOutcome,
  type HookRunOptions,
  type HookRunResult,
  type HookSourceLocation,
  type HookSyntaxCheck,
  type HostFunction,
  type HostFunctionContext,
} from "./types";

const MAX_IDLE_MODULES = 4;
const modulePool = new ModulePool(MAX_IDLE_MODULES);

/**
 * Runs the hook in a fresh QuickJS runtime and context. Resolves with the outcome of anything the hook
 * does (its errors included); rejects only for invalid options, a programming error of the caller.
 */
export async function runHook(options: HookRunOptions): Promise<HookRunResult> {
  const startedAt = performance.now();
  const limits = resolveLimits(options);
  const input = buildGuestInput(options);
  const pages = pagesForLimit(limits.memoryLimitBytes);
  const sandboxModule = modulePool.takeIdle(pages) ?? (await createSandboxModule(pages));

  let settlement: Settlement;
  let execution: HookExecution | undefined;
  try {
    execution = new HookExecution(sandboxModule, options, limits, input);
    // A hook that calls back at once is settled here, before any await: concurrent calls then
    // share the idle modules instead of each instantiating one.
    settlement = execution.start() ?? (await execution.waitForSettlement());
  } catch (error) {
    settlement = { ok: false, error: sandboxFailure(options.hookName, error) };
  } finally {
    modulePool.release(sandboxModule, execution?.dispose() ?? false);
  }

  const durationMs = performance.now() - startedAt;
  const logs = execution?.logs ?? [];
  const guestWork = execution?.guestWork ?? 0;
  if (settlement.ok) return { ok: true, outcome: "success", result: settlement.result, logs, durationMs, guestWork };
  const error = withSecretsMasked(settlement.error, options.secretValues);
  return { ok: false, outcome: outcomeOf(error.kind), error, logs, durationMs, guestWork };
}

/** The error with the run's secret values masked in its message (a guest's message is cut at MAX_ERROR_CHARS). */
function withSecretsMasked(error: HookError, secretValues: string[] | undefined): HookError {
  const mask = new SecretMask(secretValues);
  if (mask.empty) return error;
  const message = mask.apply(error.message, { cut: error.message.length >= MAX_ERROR_CHARS });
  if (message === error.message) return error;
  const location = error.line === undefined ? undefined : { line: error.line, column: error.column ?? 0 };
  return new HookError(error.hookName, error.kind, message, location);
}
