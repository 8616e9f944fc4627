/**
 * The messages between the web server's thread and a hook thread. Only data crosses: a hook's host
 * functions (fetch, ctx.read/ctx.write, the post-registration hook's fetch) stay on the server's thread,
 * and the hook thread calls them by name, one `call` message per call, answered by a `reply`.
 */
import { HookError, type HookErrorKind, type HookRunOptions, type HookRunResult } from "../sandbox/types";

/** HookRunOptions without its functions: what a `run` message carries. */
export type ThreadRunOptions = Omit<HookRunOptions, "hostFunctions" | "contextFunctions" | "modules"> & {
  /** Names of `hostFunctions`, called back on the server's thread as `host:<name>`. */
  hostFunctionNames: string[];
  /** Names of `contextFunctions`, called back as `context:<name>`. */
  contextFunctionNames: string[];
  /** `modules` was given; `fetch` says whether it had a fetch (called back as `fetch`). */
  modules?: { fetch: boolean };
};

export type ToThread =
  | { type: "run"; id: number; options: ThreadRunOptions }
  | { type: "reply"; callId: number; ok: true; json: string | undefined }
  | { type: "reply"; callId: number; ok: false; message: string };

export interface SerializedHookError {
  hookName: string;
  kind: HookErrorKind;
  message: string;
  line?: number;
  column?: number;
  field?: string;
}

export type SerializedRunResult = Omit<HookRunResult, "error"> & { error?: SerializedHookError };

export type FromThread =
  | { type: "ready" }
  | { type: "call"; id: number; callId: number; target: string; args: unknown[] }
  /** `busyMs`: the run's time on the thread minus the time it only waited for host calls. */
  | { type: "done"; id: number; result: SerializedRunResult; busyMs: number }
  | { type: "failed"; id: number; message: string };

export function toThreadOptions(options: HookRunOptions): ThreadRunOptions {
  const { hostFunctions, contextFunctions, modules, ...data } = options;
  return {
    ...data,
    hostFunctionNames: Object.keys(hostFunctions ?? {}),
    contextFunctionNames: Object.keys(contextFunctions ?? {}),
    modules: modules && { fetch: modules.fetch !== undefined },
  };
}

/** The host function a `call` message names, or undefined. */
export function hostFunctionOf(options: HookRunOptions, target: string) {
  if (target === "fetch") return options.modules?.fetch;
  const [space, name] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
  const table = space === "host" ? options.hostFunctions : space === "context" ? options.contextFunctions : undefined;
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}

export function serializeResult(result: HookRunResult): SerializedRunResult {
  const error = result.error && {
    hookName: result.error.hookName,
    kind: result.error.kind,
    message: result.error.message,
    line: result.error.line,
    column: result.error.column,
    field: result.error.field,
  };
  return { ...result, error };
}

export function deserializeResult(result: SerializedRunResult): HookRunResult {
  const { error, ...rest } = result;
  return {
    ...rest,
    error:
      error &&
      new HookError(error.hookName, error.kind, error.message, error.line ? { line: error.line, column: error.column ?? 0 } : undefined, error.field),
  };
}
