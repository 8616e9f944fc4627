/** What callers of the sandbox pass in and get back: options, results, errors, logs. */

export type HookOutcome = "success" | "error" | "timeout" | "memory";
export type HookErrorKind = "thrown" | "syntax" | "timeout" | "memory" | "invalid_result" | "callback_error";
export type HookLogLevel = "log" | "info" | "warn" | "error" | "debug";
export const LOG_LEVELS: readonly HookLogLevel[] = ["log", "info", "warn", "error", "debug"];

export interface HookLogEntry {
  level: HookLogLevel;
  message: string;
}

/** `this` of a host function: its signal aborts when the run ends (result, failure or deadline). */
export interface HostFunctionContext {
  readonly hookName: string;
  readonly signal: AbortSignal;
}

/**
 * Exposed to the guest as a global function returning a promise. Its arguments arrive as JSON data
 * (validated like a result); its resolved value must be JSON-serialisable and reaches the guest as a copy;
 * a rejection reaches the guest as an Error with the same message.
 */
export type HostFunction = (this: HostFunctionContext, ...args: unknown[]) => Promise<unknown>;

export interface HookRunOptions {
  /** Names the hook in every error message, e.g. "Write Hook". */
  hookName: string;
  code: string;
  /** JSON data passed to the hook before the callback, e.g. `[ctx]` or `[user, context]`. */
  args: unknown[];
  /** Wall-clock budget of the whole run, including waiting for host functions. Default 500. */
  timeoutMs?: number;
  /** WebAssembly memory the run may add to the module's 16 MiB initial memory. Default 32 MiB, at most 1 GiB. */
  memoryLimitBytes?: number;
  /** Captured console output in UTF-8 bytes; the rest is cut with a marker. Default 16 KiB. */
  maxLogBytes?: number;
  /** The serialised result in UTF-8 bytes. Default 64 KiB. */
  maxResultBytes?: number;
  hostFunctions?: Record<string, HostFunction>;
  /** Extra JSON data globals. */
  globals?: Record<string, unknown>;
  /** Adds `log` (console.log) to the first argument when it is an object: `ctx.log` of the Auth0 contract. */
  contextLog?: boolean;
  /** Host functions set as methods of the first argument when it is an object, e.g. DAE's `ctx.read` / `ctx.write`. */
  contextFunctions?: Record<string, HostFunction>;
  /**
   * Gives `require` the built-in modules (./modules); their HTTP clients go through `fetch` (refused
   * without it). Without this option `require` fails with `requireHint`.
   */
  modules?: { fetch?: HostFunction };
  /** Told to a hook that calls `require(…)`: what it can use instead. */
  requireHint?: string;
  /** Trusted JavaScript (ours, never the admin's) run before the hook, e.g. to wrap a host function. */
  guestPrelude?: string;
  /**
   * Values masked wherever they appear in the run's logs and error message (./secret-mask.ts): the
   * hook's secrets, a submitted password. The result is not masked: it is what the hook decided to write.
   */
  secretValues?: string[];
}

export interface HookRunResult {
  ok: boolean;
  outcome: HookOutcome;
  /** Plain data created by the host's JSON.parse; undefined when the hook called back without a result. */
  result?: unknown;
  /** Present when !ok. */
  error?: HookError;
  logs: HookLogEntry[];
  durationMs: number;
  /**
   * How much the guest computed, whatever the machine's load: QuickJS's interrupt checks during the run
   * (about one per 10,000 guest calls or loop turns). Absent when the run never reached QuickJS.
   */
  guestWork?: number;
}

export interface HookSourceLocation {
  line: number;
  column: number;
}

export class HookError extends Error {
  readonly hookName: string;
  readonly kind: HookErrorKind;
  /** 1-based and relative to the hook's code: set for syntax errors and, when known, for thrown errors. */
  readonly line?: number;
  readonly column?: number;
  /** The form field the message is about: the guest error's `field` (`error.field = 'email'`), when it names one. */
  readonly field?: string;

  constructor(hookName: string, kind: HookErrorKind, message: string, location?: HookSourceLocation, field?: string) {
    super(message);
    this.name = "HookError";
    this.hookName = hookName;
    this.kind = kind;
    this.line = location?.line;
    this.column = location?.column;
    this.field = field;
  }
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,3}$/;

/** A guest error's `field` when it looks like a field name (`email`, `user_metadata.title`); otherwise none. */
export function fieldNamed(field: string): string | undefined {
  return FIELD_NAME.test(field) ? field : undefined;
}

export type HookSyntaxCheck = { ok: true } | { ok: false; message: string; line: number; column: number };

/** How a run ended inside the engine, before it becomes a HookRunResult. */
export type Settlement = { ok: true; result: unknown } | { ok: false; error: HookError };

export function outcomeOf(kind: HookErrorKind): HookOutcome {
  if (kind === "timeout") return "timeout";
  if (kind === "memory") return "memory";
  return "error";
}

export function sandboxFailure(hookName: string, error: unknown): HookError {
  return new HookError(hookName, "thrown", `${hookName} failed inside the sandbox: ${errorMessage(error)}`);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
