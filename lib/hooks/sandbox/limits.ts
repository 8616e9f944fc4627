/**
 * The limits of one run and their defaults. Time: an interrupt handler stops the guest at the deadline,
 * and a host timer covers the time spent waiting for host functions. Memory: the module's WebAssembly
 * memory has a hard `maximum` of its 16 MiB initial memory plus `memoryLimitBytes` (the 0.32 wasm build
 * does not enforce `runtime.setMemoryLimit()`). Stack: MAX_STACK_BYTES of QuickJS stack. Output: console
 * output, error messages and results are bounded.
 */
import { INITIAL_MEMORY_PAGES, WASM_PAGE_BYTES } from "./module-pool";
import { HookError, type HookRunOptions } from "./types";

const MIB = 1024 * 1024;
export const DEFAULT_HOOK_TIMEOUT_MS = 500;
export const DEFAULT_HOOK_MEMORY_LIMIT_BYTES = 32 * MIB;
export const DEFAULT_HOOK_MAX_LOG_BYTES = 16 * 1024;
export const DEFAULT_HOOK_MAX_RESULT_BYTES = 64 * 1024;

const MAX_MEMORY_LIMIT_BYTES = 1024 * MIB;
/**
 * QuickJS measures its stack in WebAssembly memory, while its C recursion (JSON.stringify, parse,
 * toString of nested data) also uses Node's native stack, several times faster. At 128 KiB, JavaScript
 * recursion goes ~700 deep and data nested thousands deep still ends in a guest "stack overflow"; deeper
 * nesting can overflow Node's stack inside QuickJS, which fails the run and discards the instance.
 */
export const MAX_STACK_BYTES = 128 * 1024;
export const MAX_ERROR_CHARS = 2_000;
/** Room for DAE's 400 KB custom data passed to ctx.write(); each host function bounds its own input further. */
export const MAX_HOST_ARGUMENTS_BYTES = 512 * 1024;

export interface RunLimits {
  timeoutMs: number;
  memoryLimitBytes: number;
  maxLogBytes: number;
  maxResultBytes: number;
}

export function resolveLimits(options: HookRunOptions): RunLimits {
  if (typeof options.hookName !== "string" || options.hookName === "") throw new TypeError("hookName is required");
  if (typeof options.code !== "string") throw new TypeError("code must be a string");
  if (!Array.isArray(options.args)) throw new TypeError("args must be an array");
  const unbounded = Number.MAX_SAFE_INTEGER;
  return {
    timeoutMs: positive("timeoutMs", options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS, unbounded),
    memoryLimitBytes: positive("memoryLimitBytes", options.memoryLimitBytes ?? DEFAULT_HOOK_MEMORY_LIMIT_BYTES, MAX_MEMORY_LIMIT_BYTES),
    maxLogBytes: positive("maxLogBytes", options.maxLogBytes ?? DEFAULT_HOOK_MAX_LOG_BYTES, unbounded),
    maxResultBytes: positive("maxResultBytes", options.maxResultBytes ?? DEFAULT_HOOK_MAX_RESULT_BYTES, unbounded),
  };
}

function positive(name: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new RangeError(`${name} must be above 0 and at most ${max}`);
  return value;
}

/** WebAssembly pages of a module whose guest may add `memoryLimitBytes` to the initial memory. */
export function pagesForLimit(memoryLimitBytes: number): number {
  return INITIAL_MEMORY_PAGES + Math.ceil(memoryLimitBytes / WASM_PAGE_BYTES);
}

export function timeoutError(hookName: string, limits: RunLimits): HookError {
  return new HookError(hookName, "timeout", `${hookName} did not finish within ${limits.timeoutMs} ms.`);
}

export function memoryError(hookName: string, limits: RunLimits): HookError {
  return new HookError(hookName, "memory", `${hookName} ran out of memory (limit ${formatMebibytes(limits.memoryLimitBytes)} MB).`);
}

function formatMebibytes(bytes: number): string {
  const mebibytes = bytes / MIB;
  return Number.isInteger(mebibytes) ? String(mebibytes) : mebibytes.toFixed(1);
}
