/**
 * What a hook may hand back to the host (its result, a host function's arguments): plain JSON data, within
 * the size limit, serialised inside the guest and parsed again by the host. Anything else is an
 * "invalid result" whose message names the offending value for the admin.
 */
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { RESULT_PROBLEM_PREFIX } from "./guest-helpers";
import type { GuestErrorDescription, GuestRun } from "./guest-run";
import { MAX_ERROR_CHARS } from "./limits";
import { parseUntrustedJson, utf8Length } from "./plain-json";
import { errorMessage, HookError, type Settlement } from "./types";

export type GuestJson = { text: QuickJSHandle; length: number } | { problem: string } | { failure: HookError };

/** The hook's result as host data, or why it is not acceptable. */
export function serialiseResult(run: GuestRun, value: QuickJSHandle | undefined): Settlement {
  if (!value || run.vm.eq(value, run.vm.undefined)) return { ok: true, result: undefined };
  const encoded = toJsonInGuest(run, value);
  if ("failure" in encoded) return { ok: false, error: encoded.failure };
  if ("problem" in encoded) return invalidResult(run.hookName, encoded.problem);
  const tooLarge = `the result is larger than ${run.limits.maxResultBytes} bytes`;
  let text: string;
  try {
    // A UTF-16 length above the limit means at least as many UTF-8 bytes: no need to copy it out.
    if (encoded.length > run.limits.maxResultBytes) return invalidResult(run.hookName, tooLarge);
    text = run.vm.getString(encoded.text);
  } finally {
    encoded.text.dispose();
  }
  if (utf8Length(text) > run.limits.maxResultBytes) return invalidResult(run.hookName, tooLarge);
  try {
    return { ok: true, result: parseUntrustedJson(text) };
  } catch (error) {
    return invalidResult(run.hookName, `the result is not plain JSON data (${errorMessage(error)})`);
  }
}

/**
 * Guest JSON.stringify with the strict replacer (after the quick check, which covers most values).
 * Returns the JSON text handle and its length, the problem for the admin, or the failure that
 * prevented serialising (out of memory, deadline).
 */
export function toJsonInGuest(run: GuestRun, value: QuickJSHandle): GuestJson {
  const vm = run.vm;
  const quickCheck = run.helper("quickCheck");
  if (!quickCheck) return { failure: run.failureWithoutDescription() };
  const quick = vm.callFunction(run.jsonStringify, vm.undefined, value, quickCheck);
  if (!quick.error) return jsonText(run, quick.value);
  quick.error.dispose();
  if (run.interruptedAtDeadline) return { failure: run.timeoutError() };

  const replacer = run.helper("replacer");
  if (!replacer) return { failure: run.failureWithoutDescription() };
  const stringified = vm.callFunction(run.jsonStringify, vm.undefined, value, replacer);
  if (stringified.error) {
    const thrown = stringified.error;
    try {
      const problem = vm.typeof(thrown) === "string" ? vm.getString(thrown) : "";
      if (problem.startsWith(RESULT_PROBLEM_PREFIX)) return { problem: describeReplacerProblem(problem) };
      if (run.interruptedAtDeadline) return { failure: run.timeoutError() };
      const described = run.describe(thrown);
      if (!described) return { failure: run.failureWithoutDescription() };
      if (isOutOfMemory(described)) return { failure: run.memoryError() };
      return { problem: `the value cannot be converted to JSON (${described.message})` };
    } finally {
      thrown.dispose();
    }
  }
  return jsonText(run, stringified.value);
}

export function isOutOfMemory(error: GuestErrorDescription): boolean {
  return error.name === "InternalError" && error.message === "out of memory";
}

/** JSON.stringify's result: a string, or undefined for a value JSON cannot represent. */
function jsonText(run: GuestRun, text: QuickJSHandle): GuestJson {
  if (run.vm.eq(text, run.vm.undefined)) {
    text.dispose();
    return { problem: "the value is not JSON data" };
  }
  return { text, length: run.stringLength(text) };
}

function invalidResult(hookName: string, problem: string): Settlement {
  const message = `${hookName} returned an invalid result: ${problem}.`;
  return { ok: false, error: new HookError(hookName, "invalid_result", message) };
}

/** Turns the replacer's `<prefix><typeof value> <key>` into a sentence for the admin. */
function describeReplacerProblem(thrown: string): string {
  const payload = thrown.slice(RESULT_PROBLEM_PREFIX.length);
  const space = payload.indexOf(" ");
  const type = payload.slice(0, space);
  const key = payload.slice(space + 1, space + 1 + MAX_ERROR_CHARS);
  const subject = key === "" ? "the value" : `the value of "${key}"`;
  if (type === "function" || type === "symbol" || type === "bigint") return `${subject} is a ${type}`;
  if (type === "number") return `${subject} is not a finite number`;
  if (type === "undefined") return `${subject} is undefined inside an array (use null)`;
  return `${subject} is not a plain object or array`;
}
