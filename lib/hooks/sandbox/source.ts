/**
 * The hook's code as the engine evaluates it: wrapped so that evaluating it yields the hook function,
 * with locations mapped back to the admin's own lines, and compiled without running for a save.
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import { DEFAULT_HOOK_MEMORY_LIMIT_BYTES, MAX_STACK_BYTES, pagesForLimit } from "./limits";
import { createSandboxModule } from "./module-pool";
import { errorMessage, type HookSourceLocation, type HookSyntaxCheck } from "./types";

export const HOOK_FILENAME = "hook.js";
const MODULE_EXPORTS_ASSIGNMENT = /\bmodule\s*\.\s*exports\s*=(?!=)/;
/** The first frame of an error stack inside the hook's code. */
const HOOK_FRAME = /hook\.js:(\d+):(\d+)/;
/** A parse error's stack is a bare location, without the function frame of a runtime error. */
export const PARSE_ERROR_STACK = /^\s*at hook\.js:\d+:\d+/;

/** The hook's code wrapped so that evaluating it yields the hook function. */
export interface HookSource {
  text: string;
  isModuleForm: boolean;
  /** Characters the wrapper adds before the code on line 1. */
  prefixLength: number;
  lineCount: number;
  lastLineLength: number;
}

// checkHookSyntax is synchronous, so its module is instantiated when this file is first imported.
let syntaxCheckModule = await createSandboxModule(pagesForLimit(DEFAULT_HOOK_MEMORY_LIMIT_BYTES));
let syntaxCheckModuleReplacement: Promise<void> | undefined;

/** Compiles (without running) the hook's code in the sandbox; locations are relative to `code`. */
export function checkHookSyntax(code: string): HookSyntaxCheck {
  if (code.trim() === "") return { ok: false, message: "The hook has no code.", line: 1, column: 1 };
  const source = wrapHookSource(code);
  try {
    const runtime = syntaxCheckModule.quickjs.newRuntime();
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    const vm = runtime.newContext();
    const compiled = vm.evalCode(source.text, HOOK_FILENAME, { type: "global", compileOnly: true });
    let check: HookSyntaxCheck = { ok: true };
    if (compiled.error) {
      // QuickJS created this error while parsing: reading it runs no hook code.
      const message = readStringProperty(vm, compiled.error, "message") || "Syntax error";
      const stack = readStringProperty(vm, compiled.error, "stack");
      check = { ok: false, message, ...(locateInHook(stack, source) ?? { line: 1, column: 1 }) };
    }
    compiled.dispose();
    vm.dispose();
    runtime.dispose();
    return check;
  } catch (error) {
    // Deeply nested code can overflow Node's stack inside QuickJS's parser (see MAX_STACK_BYTES).
    replaceSyntaxCheckModule();
    return { ok: false, message: `The code cannot be compiled in the sandbox: ${errorMessage(error)}`, line: 1, column: 1 };
  }
}

/** Swaps in a fresh module for checkHookSyntax after a failure left the current one in doubt. */
function replaceSyntaxCheckModule(): void {
  syntaxCheckModuleReplacement ??= createSandboxModule(syntaxCheckModule.maximumPages)
    .then((replacement) => {
      syntaxCheckModule = replacement;
    })
    .catch(() => undefined)
    .finally(() => {
      syntaxCheckModuleReplacement = undefined;
    });
}

/**
 * `(CODE\n)` for a function expression, or a module wrapper that evaluates to `module.exports` when the
 * code assigns it. Both keep the code's line numbers; only line 1 is shifted by the prefix.
 */
export function wrapHookSource(code: string): HookSource {
  const lines = code.split("\n");
  const shape = { lineCount: lines.length, lastLineLength: lines[lines.length - 1].length };
  if (MODULE_EXPORTS_ASSIGNMENT.test(code)) {
    const prefix = "(function (module) { (function (module, exports) {";
    const suffix = "\n})(module, module.exports); return module.exports; })({ exports: {} })";
    return { text: prefix + code + suffix, isModuleForm: true, prefixLength: prefix.length, ...shape };
  }
  return { text: `(${code.slice(0, expressionEnd(code))}\n)`, isModuleForm: false, prefixLength: 1, ...shape };
}

/**
 * Where the function expression ends: before the semicolons, whitespace and comments that commonly follow
 * it (`}; // end`), which cannot stand inside the wrapping parentheses. A line comment is only cut when
 * every kind of quote before it on its line is closed, so that `//` inside a string is not taken for one.
 */
function expressionEnd(code: string): number {
  let end = code.length;
  for (;;) {
    const before = end;
    while (end > 0 && (code[end - 1] === ";" || /\s/.test(code[end - 1]))) end--;
    if (code.startsWith("*/", end - 2)) {
      const start = code.lastIndexOf("/*", end - 3);
      if (start >= 0) end = start;
    } else {
      const lineStart = code.lastIndexOf("\n", end - 1) + 1;
      const comment = code.indexOf("//", lineStart);
      if (comment >= 0 && comment < end && quotesClosed(code.slice(lineStart, comment))) end = comment;
    }
    if (end === before) return end;
  }
}

function quotesClosed(text: string): boolean {
  return ["'", '"', "`"].every((quote) => text.split(quote).length % 2 === 1);
}

/** The first `hook.js:line:column` of a QuickJS stack, mapped back to the hook's own code. */
export function locateInHook(stack: string, source: HookSource): HookSourceLocation | undefined {
  const match = HOOK_FRAME.exec(stack);
  if (!match) return undefined;
  const line = Number(match[1]);
  const column = Number(match[2]);
  // Errors found at the end of the input point at the wrapper's closing line.
  if (line > source.lineCount) return { line: source.lineCount, column: source.lastLineLength + 1 };
  return { line, column: line === 1 ? Math.max(1, column - source.prefixLength) : column };
}

/** Reads a string data property of an object the host or QuickJS created (no guest getters). */
export function readStringProperty(vm: QuickJSContext, handle: QuickJSHandle, key: string | number): string {
  const value = vm.getProp(handle, key);
  try {
    return vm.typeof(value) === "string" ? vm.getString(value) : "";
  } finally {
    value.dispose();
  }
}
