/**
 * Runs admin-authored hook code (a function expression, or `module.exports = function …`) inside QuickJS
 * compiled to WebAssembly. Every run gets a fresh QuickJS runtime and context; the guest reaches nothing of
 * the host but JSON data, a `console`, its callback and the host functions passed in.
 *
 * Limits:
 * - Time: an interrupt handler stops the guest at the deadline (`timeoutMs`, default 500 ms), and a host
 *   timer covers the time spent waiting for host functions. The variant is synchronous: while a runaway
 *   hook computes, it blocks the Node.js event loop until the deadline. A hook that is only waiting, with
 *   no host call in flight, can never finish: it fails as a timeout at once.
 * - Memory: the module's WebAssembly memory has a hard `maximum` of its 16 MiB initial memory (shared with
 *   QuickJS itself) plus `memoryLimitBytes` (default 32 MiB). `runtime.setMemoryLimit()` is set as well,
 *   but the 0.32 wasm build does not enforce it.
 * - Stack: 128 KiB of QuickJS stack (see MAX_STACK_BYTES); guest code always starts after an `await`, on
 *   a shallow Node.js stack.
 * - Output: console output, error messages and results are bounded (see the option defaults).
 *
 * The host drives the guest through the QuickJS API rather than a guest-side prelude: QuickJS parses at
 * 70-100 ns per character, so a prelude would cost more than creating the context. The little guest
 * code needed is compiled on demand (./sandbox/guest-helpers.ts).
 */
import {
  DefaultIntrinsics,
  errors,
  type Intrinsics,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  type VmCallResult,
  type VmFunctionImplementation,
} from "quickjs-emscripten-core";
import {
  DESCRIBE_ERROR,
  FORMAT_LOG_ARGUMENTS,
  RESULT_PROBLEM_PREFIX,
  RESULT_QUICK_CHECK,
  RESULT_REPLACER,
} from "./sandbox/guest-helpers";
import {
  INITIAL_MEMORY_BYTES,
  INITIAL_MEMORY_PAGES,
  ModulePool,
  WASM_PAGE_BYTES,
  createSandboxModule,
  type SandboxModule,
} from "./sandbox/module-pool";
import { parseUntrustedJson, truncateUtf8, utf8Length } from "./sandbox/plain-json";

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
const MAX_STACK_BYTES = 128 * 1024;
const MAX_ERROR_CHARS = 2_000;
const MAX_HOST_ARGUMENTS_BYTES = 64 * 1024;
const MAX_IDLE_MODULES = 4;
const HOOK_FILENAME = "hook.js";
const HELPER_FILENAME = "sandbox-helper.js";
/**
 * Without typed arrays (ArrayBuffer, DataView, Uint8Array…): hooks handle JSON-like data, these classes are
 * where engine bugs have historically been, and leaving them out makes a context ~25% cheaper to create.
 */
export const GUEST_INTRINSICS: Intrinsics = { ...DefaultIntrinsics, TypedArrays: false };
const LOG_TRUNCATED_MARKER = "… [log output truncated]";
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const FORBIDDEN_GLOBAL_NAMES = new Set(["__proto__", "constructor", "prototype"]);
const MODULE_EXPORTS_ASSIGNMENT = /\bmodule\s*\.\s*exports\s*=(?!=)/;
/** The first frame of an error stack inside the hook's code. */
const HOOK_FRAME = /hook\.js:(\d+):(\d+)/;
/** A parse error's stack is a bare location, without the function frame of a runtime error. */
const PARSE_ERROR_STACK = /^\s*at hook\.js:\d+:\d+/;

export type HookOutcome = "success" | "error" | "timeout" | "memory";
export type HookErrorKind = "thrown" | "syntax" | "timeout" | "memory" | "invalid_result" | "callback_error";
export type HookLogLevel = "log" | "info" | "warn" | "error" | "debug";
const LOG_LEVELS: readonly HookLogLevel[] = ["log", "info", "warn", "error", "debug"];

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
  /** Told to a hook that calls `require(…)`: what it can use instead. */
  requireHint?: string;
  /** Trusted JavaScript (ours, never the admin's) run before the hook, e.g. to wrap a host function. */
  guestPrelude?: string;
}

const DEFAULT_REQUIRE_HINT = "Hooks run without modules: use standard JavaScript, console.log and the arguments the hook receives.";

export interface HookRunResult {
  ok: boolean;
  outcome: HookOutcome;
  /** Plain data created by the host's JSON.parse; undefined when the hook called back without a result. */
  result?: unknown;
  /** Present when !ok. */
  error?: HookError;
  logs: HookLogEntry[];
  durationMs: number;
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

  constructor(hookName: string, kind: HookErrorKind, message: string, location?: HookSourceLocation) {
    super(message);
    this.name = "HookError";
    this.hookName = hookName;
    this.kind = kind;
    this.line = location?.line;
    this.column = location?.column;
  }
}

export type HookSyntaxCheck = { ok: true } | { ok: false; message: string; line: number; column: number };

interface RunLimits {
  timeoutMs: number;
  memoryLimitBytes: number;
  maxLogBytes: number;
  maxResultBytes: number;
}

type Settlement = { ok: true; result: unknown } | { ok: false; error: HookError };

interface GuestErrorDescription {
  message: string;
  name: string;
  stack: string;
}

type GuestHelper = "quickCheck" | "replacer" | "describe" | "format";
const GUEST_HELPER_SOURCES: Record<GuestHelper, string> = {
  quickCheck: RESULT_QUICK_CHECK,
  replacer: RESULT_REPLACER,
  describe: DESCRIBE_ERROR,
  format: FORMAT_LOG_ARGUMENTS,
};

interface GuestInput {
  args: string[];
  globals?: string;
}

/** The hook's code wrapped so that evaluating it yields the hook function. */
interface HookSource {
  text: string;
  isModuleForm: boolean;
  /** Characters the wrapper adds before the code on line 1. */
  prefixLength: number;
  lineCount: number;
  lastLineLength: number;
}

const modulePool = new ModulePool(MAX_IDLE_MODULES);
// checkHookSyntax is synchronous, so its module is instantiated when this file is first imported.
let syntaxCheckModule = await createSandboxModule(pagesForLimit(DEFAULT_HOOK_MEMORY_LIMIT_BYTES));
let syntaxCheckModuleReplacement: Promise<void> | undefined;

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
  if (settlement.ok) return { ok: true, outcome: "success", result: settlement.result, logs, durationMs };
  return { ok: false, outcome: outcomeOf(settlement.error.kind), error: settlement.error, logs, durationMs };
}

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

class HookExecution {
  readonly logs: HookLogEntry[] = [];
  private readonly hookName: string;
  private readonly source: HookSource;
  private readonly deadline: number;
  private readonly ownedHandles: QuickJSHandle[] = [];
  private readonly helpers = new Map<GuestHelper, QuickJSHandle>();
  private readonly pendingHostCalls = new Set<QuickJSDeferredPromise>();
  /** Created on the first host call: most runs make none, and an AbortController is not free. */
  private abortController: AbortController | undefined;
  private readonly runtime: QuickJSRuntime;
  private readonly vm: QuickJSContext;
  // Captured before the hook runs, so that the host's own calls never go through hook-modified globals.
  private readonly jsonParse: QuickJSHandle;
  private readonly jsonStringify: QuickJSHandle;
  private consoleLog: QuickJSHandle | undefined;
  /** `console` once built, or what the hook assigned to it. */
  private consoleValue: QuickJSHandle | undefined;
  /** A guest promise adopting the hook's returned thenable. */
  private adoption: { promise: QuickJSDeferredPromise; expectsCallback: boolean } | undefined;
  private settlement: Settlement | undefined;
  /** The hook called back or its promise settled: later signals are ignored. */
  private hookSignalled = false;
  private evaluatingCode = true;
  private interruptedAtDeadline = false;
  private logBytes = 0;
  private logsFull = false;
  private moduleTrusted = true;
  /** A host exception went through QuickJS's C frames: its state is undefined, it must not run again. */
  private instanceBroken = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly sandboxModule: SandboxModule,
    private readonly options: HookRunOptions,
    private readonly limits: RunLimits,
    private readonly input: GuestInput,
  ) {
    this.hookName = options.hookName;
    this.source = wrapHookSource(options.code);
    this.deadline = performance.now() + limits.timeoutMs;
    this.runtime = sandboxModule.quickjs.newRuntime();
    this.runtime.setMemoryLimit(INITIAL_MEMORY_BYTES + limits.memoryLimitBytes);
    this.runtime.setMaxStackSize(MAX_STACK_BYTES);
    this.runtime.setInterruptHandler(() => this.shouldInterrupt());
    this.vm = this.runtime.newContext({ intrinsics: GUEST_INTRINSICS });
    const json = this.vm.getProp(this.vm.global, "JSON");
    this.jsonParse = this.own(this.vm.getProp(json, "parse"));
    this.jsonStringify = this.own(this.vm.getProp(json, "stringify"));
    json.dispose();
  }

  /** Runs the guest up to its first wait; the settlement when it is already settled. */
  start(): Settlement | undefined {
    try {
      this.startGuest();
    } catch (error) {
      this.settle({ ok: false, error: this.failureFromHost(error) });
    }
    return this.settlement;
  }

  /** Waits for host calls to move the guest until it settles or its deadline passes. */
  async waitForSettlement(): Promise<Settlement> {
    try {
      while (!this.settlement) {
        const remainingMs = this.deadline - performance.now();
        // Only host calls can still move a waiting guest; without any, the hook will never finish.
        if (this.pendingHostCalls.size === 0 || remainingMs <= 0) {
          this.settle({ ok: false, error: this.timeoutError() });
          break;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remainingMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    } catch (error) {
      this.settle({ ok: false, error: this.failureFromHost(error) });
    }
    return this.settlement as Settlement;
  }

  /** Frees the guest; returns whether the module may be reused. */
  dispose(): boolean {
    this.abortController?.abort();
    if (this.instanceBroken) return false;
    for (const deferred of this.pendingHostCalls) deferred.dispose();
    this.pendingHostCalls.clear();
    this.adoption?.promise.dispose();
    try {
      for (const handle of this.ownedHandles.reverse()) if (handle.alive) handle.dispose();
      this.vm.dispose();
      this.runtime.dispose();
    } catch {
      return false;
    }
    return this.moduleTrusted;
  }

  private startGuest(): void {
    const vm = this.vm;
    this.installConsole();
    this.installRequire();
    this.installHostFunctions();
    if (this.input.globals !== undefined) {
      const globals = this.parseInGuest(this.input.globals);
      for (const name of Object.keys(this.options.globals ?? {})) {
        const value = vm.getProp(globals, name);
        vm.setProp(vm.global, name, value);
        value.dispose();
      }
      globals.dispose();
    }
    const args = this.input.args.map((text) => this.own(this.parseInGuest(text)));
    if (this.options.contextLog && this.consoleLog && args[0] && vm.typeof(args[0]) === "object" && !vm.eq(args[0], vm.null)) {
      vm.setProp(args[0], "log", this.consoleLog);
    }
    if (this.options.guestPrelude) {
      const prelude = vm.evalCode(this.options.guestPrelude, HELPER_FILENAME, { type: "global" });
      if (prelude.error) return this.onGuestException(prelude.error);
      prelude.value.dispose();
    }

    const evaluated = vm.evalCode(this.source.text, HOOK_FILENAME, { type: "global" });
    if (evaluated.error) return this.onGuestException(evaluated.error);
    const hook = this.own(evaluated.value);
    this.evaluatingCode = false;
    if (vm.typeof(hook) !== "function") return this.settle({ ok: false, error: this.notAFunctionError() });

    // A hook that declares the callback parameter may resolve its promise before calling back.
    const expectsCallback = (vm.getLength(hook) ?? 0) > args.length;
    const callback = this.own(vm.newFunction("callback", this.guestCallable((error, result) => this.onCallback(error, result))));
    const returned = vm.callFunction(hook, vm.undefined, [...args, callback]);
    if (returned.error) return this.onGuestException(returned.error);
    this.adoptReturnedValue(returned.value, expectsCallback);
    this.drainJobs();
  }

  private installConsole(): void {
    const vm = this.vm;
    const log = this.own(this.newConsoleMethod("log"));
    this.consoleLog = log;
    vm.setProp(vm.global, "log", log);
    // Most hooks never log, and the console object costs as much to build as the rest of the setup: it
    // is built on first use, behind an accessor that also keeps what the hook assigns to `console`.
    vm.defineProp(vm.global, "console", {
      configurable: true,
      enumerable: true,
      get: () => this.guarded(() => this.guestConsole(log).dup()) ?? vm.undefined,
      set: (value) =>
        this.guarded(() => {
          this.consoleValue = this.own(value.dup());
        }),
    });
  }

  private guestConsole(log: QuickJSHandle): QuickJSHandle {
    if (this.consoleValue) return this.consoleValue;
    const vm = this.vm;
    const console = this.own(vm.newObject());
    for (const level of LOG_LEVELS) {
      const method = level === "log" ? log : this.newConsoleMethod(level);
      vm.setProp(console, level, method);
      if (method !== log) method.dispose();
    }
    this.consoleValue = console;
    return console;
  }

  private newConsoleMethod(level: HookLogLevel): QuickJSHandle {
    return this.vm.newFunction(level, this.guestCallable((...values) => this.onConsole(level, values)));
  }

  private installRequire(): void {
    const vm = this.vm;
    const hint = this.options.requireHint ?? DEFAULT_REQUIRE_HINT;
    const require = vm.newFunction(
      "require",
      this.guestCallable((name) => {
        const moduleName = name && vm.typeof(name) === "string" ? vm.getString(name).slice(0, 200) : "…";
        return { error: vm.newError(`${this.options.hookName} cannot require('${moduleName}'): modules are not available. ${hint}`) };
      }),
    );
    vm.setProp(vm.global, "require", require);
    require.dispose();
  }

  private installHostFunctions(): void {
    for (const name of Object.keys(this.options.hostFunctions ?? {})) {
      const fn = this.vm.newFunction(name, this.guestCallable((...values) => this.onHostFunctionCall(name, values)));
      this.vm.setProp(this.vm.global, name, fn);
      fn.dispose();
    }
  }

  /**
   * Wraps a host function the guest calls. Without this, quickjs-emscripten would turn an exception
   * thrown inside it (e.g. Node's stack overflowing in a nested guest call) into a guest exception and
   * let the broken instance run on.
   */
  private guestCallable(
    body: (...args: QuickJSHandle[]) => ReturnType<VmFunctionImplementation<QuickJSHandle>>,
  ): VmFunctionImplementation<QuickJSHandle> {
    return (...args) => this.guarded(() => body(...args));
  }

  /** Runs host code on behalf of the guest (see guestCallable); undefined when it failed. */
  private guarded<T>(body: () => T): T | undefined {
    if (this.instanceBroken) return undefined;
    try {
      return body();
    } catch (error) {
      this.settle({ ok: false, error: this.failureFromHost(error) });
      return undefined;
    }
  }

  private shouldInterrupt(): boolean {
    // Once settled, nothing the guest still does matters: stop it at once.
    if (this.settlement) return true;
    if (performance.now() < this.deadline) return false;
    this.interruptedAtDeadline = true;
    return true;
  }

  private drainJobs(): void {
    while (!this.settlement && this.runtime.hasPendingJob()) {
      const executed = this.runtime.executePendingJobs();
      if (executed.error) this.onGuestException(executed.error);
    }
    this.checkAdoption();
  }

  /** Returned thenables settle the hook through a guest promise that adopts their state. */
  private adoptReturnedValue(value: QuickJSHandle, expectsCallback: boolean): void {
    const vm = this.vm;
    try {
      if (this.hookSignalled) return;
      const type = vm.typeof(value);
      if ((type !== "object" && type !== "function") || vm.eq(value, vm.null)) return;
      const promise = vm.newPromise();
      this.adoption = { promise, expectsCallback };
      promise.resolve(value);
      // Resolving with a thenable always waits for a job; settled right away, it was not a thenable.
      const state = vm.getPromiseState(promise.handle);
      if (state.type === "fulfilled") {
        state.value.dispose();
        this.adoption = undefined;
        promise.dispose();
      } else if (state.type === "rejected") {
        state.error.dispose();
      }
    } finally {
      value.dispose();
    }
  }

  private checkAdoption(): void {
    if (!this.adoption || this.settlement) return;
    const { promise, expectsCallback } = this.adoption;
    const state = this.vm.getPromiseState(promise.handle);
    if (state.type === "pending") return;
    this.adoption = undefined;
    promise.dispose();
    if (state.type === "fulfilled") {
      const value = state.value;
      if (!this.hookSignalled && !(expectsCallback && this.vm.typeof(value) === "undefined")) {
        this.hookSignalled = true;
        this.settle(this.serialiseResult(value));
      }
      value.dispose();
    } else {
      if (!this.hookSignalled) {
        this.hookSignalled = true;
        this.settle(this.errorSettlement("thrown", state.error));
      }
      state.error.dispose();
    }
  }

  private onCallback(error: QuickJSHandle | undefined, result: QuickJSHandle | undefined): void {
    if (this.hookSignalled || this.settlement) return;
    this.hookSignalled = true;
    if (error && this.isTruthy(error)) this.settle(this.errorSettlement("callback_error", error));
    else this.settle(this.serialiseResult(result));
  }

  /** An exception escaped the hook: evaluation errors, synchronous throws, interrupts, out of memory. */
  private onGuestException(error: QuickJSHandle): void {
    try {
      if (this.settlement) return;
      this.hookSignalled = true;
      this.settle(this.errorSettlement("thrown", error));
    } finally {
      error.dispose();
    }
  }

  private errorSettlement(kind: "thrown" | "callback_error", error: QuickJSHandle): Settlement {
    // Past the deadline, whatever failed was cut short by the interrupt.
    if (this.interruptedAtDeadline) return { ok: false, error: this.timeoutError() };
    const described = this.describe(error);
    if (!described) return { ok: false, error: this.failureWithoutDescription() };
    if (kind === "thrown" && isOutOfMemory(described)) return { ok: false, error: this.memoryError() };
    const location = locateInHook(described.stack, this.source);
    if (kind === "thrown" && this.evaluatingCode && described.name === "SyntaxError" && PARSE_ERROR_STACK.test(described.stack)) {
      const at = location ?? { line: 1, column: 1 };
      const message = `${this.hookName} has a syntax error at line ${at.line}, column ${at.column}: ${described.message}`;
      return { ok: false, error: new HookError(this.hookName, "syntax", message, at) };
    }
    return { ok: false, error: new HookError(this.hookName, kind, described.message, location) };
  }

  private serialiseResult(value: QuickJSHandle | undefined): Settlement {
    if (!value || this.vm.eq(value, this.vm.undefined)) return { ok: true, result: undefined };
    const encoded = this.toJsonInGuest(value);
    if ("failure" in encoded) return { ok: false, error: encoded.failure };
    if ("problem" in encoded) return this.invalidResult(encoded.problem);
    const tooLarge = `the result is larger than ${this.limits.maxResultBytes} bytes`;
    let text: string;
    try {
      // A UTF-16 length above the limit means at least as many UTF-8 bytes: no need to copy it out.
      if (encoded.length > this.limits.maxResultBytes) return this.invalidResult(tooLarge);
      text = this.vm.getString(encoded.text);
    } finally {
      encoded.text.dispose();
    }
    if (utf8Length(text) > this.limits.maxResultBytes) return this.invalidResult(tooLarge);
    try {
      return { ok: true, result: parseUntrustedJson(text) };
    } catch (error) {
      return this.invalidResult(`the result is not plain JSON data (${errorMessage(error)})`);
    }
  }

  /**
   * Guest JSON.stringify with the strict replacer (after the quick check, which covers most values).
   * Returns the JSON text handle and its length, the problem for the admin, or the failure that
   * prevented serialising (out of memory, deadline).
   */
  private toJsonInGuest(
    value: QuickJSHandle,
  ): { text: QuickJSHandle; length: number } | { problem: string } | { failure: HookError } {
    const vm = this.vm;
    const quickCheck = this.helper("quickCheck");
    if (!quickCheck) return { failure: this.failureWithoutDescription() };
    const quick = vm.callFunction(this.jsonStringify, vm.undefined, value, quickCheck);
    if (!quick.error) return this.jsonText(quick.value);
    quick.error.dispose();
    if (this.interruptedAtDeadline) return { failure: this.timeoutError() };

    const replacer = this.helper("replacer");
    if (!replacer) return { failure: this.failureWithoutDescription() };
    const stringified = vm.callFunction(this.jsonStringify, vm.undefined, value, replacer);
    if (stringified.error) {
      const thrown = stringified.error;
      try {
        const problem = vm.typeof(thrown) === "string" ? vm.getString(thrown) : "";
        if (problem.startsWith(RESULT_PROBLEM_PREFIX)) return { problem: describeReplacerProblem(problem) };
        if (this.interruptedAtDeadline) return { failure: this.timeoutError() };
        const described = this.describe(thrown);
        if (!described) return { failure: this.failureWithoutDescription() };
        if (isOutOfMemory(described)) return { failure: this.memoryError() };
        return { problem: `the value cannot be converted to JSON (${described.message})` };
      } finally {
        thrown.dispose();
      }
    }
    return this.jsonText(stringified.value);
  }

  /** JSON.stringify's result: a string, or undefined for a value JSON cannot represent. */
  private jsonText(text: QuickJSHandle): { text: QuickJSHandle; length: number } | { problem: string } {
    if (this.vm.eq(text, this.vm.undefined)) {
      text.dispose();
      return { problem: "the value is not JSON data" };
    }
    return { text, length: this.stringLength(text) };
  }

  private invalidResult(problem: string): Settlement {
    const message = `${this.hookName} returned an invalid result: ${problem}.`;
    return { ok: false, error: new HookError(this.hookName, "invalid_result", message) };
  }

  private onConsole(level: HookLogLevel, values: QuickJSHandle[]): VmCallResult<QuickJSHandle> | void {
    if (this.logsFull) return;
    const formatter = this.helper("format");
    if (!formatter) return;
    const vm = this.vm;
    const remaining = this.limits.maxLogBytes - this.logBytes;
    const maxChars = vm.newNumber(remaining + 1);
    const formatted = vm.callFunction(formatter, vm.undefined, [maxChars, ...values]);
    maxChars.dispose();
    // Interrupts and out-of-memory errors go back to the guest, which cannot catch an interrupt.
    if (formatted.error) return { error: formatted.error };
    const message = vm.typeof(formatted.value) === "string" ? vm.getString(formatted.value) : "";
    formatted.value.dispose();
    const size = utf8Length(message);
    if (size <= remaining) {
      this.logs.push({ level, message });
      this.logBytes += size;
      return;
    }
    this.logs.push({ level, message: truncateUtf8(message, remaining) + LOG_TRUNCATED_MARKER });
    this.logsFull = true;
  }

  private onHostFunctionCall(name: string, values: QuickJSHandle[]): QuickJSHandle {
    const vm = this.vm;
    const deferred = vm.newPromise();
    let count = values.length;
    while (count > 0 && vm.typeof(values[count - 1]) === "undefined") count--;
    const argsArray = vm.newArray();
    // Defined rather than set: setters the hook may have put on Array.prototype do not apply.
    values.slice(0, count).forEach((value, index) => vm.defineProp(argsArray, index, { value, enumerable: true }));
    const encoded = this.toJsonInGuest(argsArray);
    argsArray.dispose();

    let args: unknown[] | undefined;
    let problem: string | undefined;
    if ("failure" in encoded) problem = encoded.failure.message;
    else if ("problem" in encoded) problem = encoded.problem;
    else if (encoded.length > MAX_HOST_ARGUMENTS_BYTES) problem = `the arguments are larger than ${MAX_HOST_ARGUMENTS_BYTES} bytes`;
    else {
      try {
        args = parseUntrustedJson(vm.getString(encoded.text)) as unknown[];
      } catch (error) {
        problem = errorMessage(error);
      }
    }
    if ("text" in encoded) encoded.text.dispose();
    if (!args) {
      const error = vm.newError({ name: "TypeError", message: `${name}(): ${problem}` });
      deferred.reject(error);
      error.dispose();
      return deferred.handle;
    }

    this.pendingHostCalls.add(deferred);
    const hostFunction = this.options.hostFunctions?.[name] as HostFunction;
    this.abortController ??= new AbortController();
    const context: HostFunctionContext = { hookName: this.hookName, signal: this.abortController.signal };
    const hostArgs = args;
    // Called from a microtask, so that the host function never runs inside a QuickJS callback.
    Promise.resolve()
      .then(() => (this.settlement ? undefined : hostFunction.apply(context, hostArgs)))
      .then(
        (value) => this.completeHostCall(deferred, { ok: true, value }),
        (error: unknown) => this.completeHostCall(deferred, { ok: false, message: errorMessage(error) }),
      );
    return deferred.handle;
  }

  private completeHostCall(
    deferred: QuickJSDeferredPromise,
    outcome: { ok: true; value: unknown } | { ok: false; message: string },
  ): void {
    if (!this.pendingHostCalls.delete(deferred) || this.settlement) return;
    try {
      let failure = outcome.ok ? undefined : outcome.message;
      let jsonText: string | undefined;
      if (outcome.ok) {
        try {
          jsonText = JSON.stringify(outcome.value);
        } catch (error) {
          failure = `the host returned data that is not JSON (${errorMessage(error)})`;
        }
      }
      if (failure !== undefined) {
        const error = this.vm.newError({ name: "Error", message: failure });
        deferred.reject(error);
        error.dispose();
      } else if (jsonText === undefined) {
        deferred.resolve();
      } else {
        const value = this.parseInGuest(jsonText);
        deferred.resolve(value);
        value.dispose();
      }
      this.drainJobs();
    } catch (error) {
      this.settle({ ok: false, error: this.failureFromHost(error) });
    }
    this.wake?.();
  }

  private settle(settlement: Settlement): void {
    if (this.settlement) return;
    this.settlement = settlement;
    // After running out of memory the module's state is not trusted, and its memory stays grown.
    if (!settlement.ok && settlement.error.kind === "memory") this.moduleTrusted = false;
    this.wake?.();
  }

  /** Compiles one of the guest helpers on first use; undefined when the guest has no memory or time left. */
  private helper(name: GuestHelper): QuickJSHandle | undefined {
    const existing = this.helpers.get(name);
    if (existing) return existing;
    const compiled = this.vm.evalCode(GUEST_HELPER_SOURCES[name], HELPER_FILENAME, { type: "global", strip: true });
    if (compiled.error) {
      compiled.error.dispose();
      return undefined;
    }
    this.helpers.set(name, this.own(compiled.value));
    return compiled.value;
  }

  private describe(error: QuickJSHandle): GuestErrorDescription | undefined {
    const vm = this.vm;
    const describeError = this.helper("describe");
    if (!describeError) return undefined;
    const maxChars = vm.newNumber(MAX_ERROR_CHARS);
    const described = vm.callFunction(describeError, vm.undefined, error, maxChars);
    maxChars.dispose();
    if (described.error) {
      described.error.dispose();
      return undefined;
    }
    const fields = described.value;
    try {
      const [message, name, stack] = [0, 1, 2].map((index) => readStringProperty(vm, fields, index));
      return { message, name, stack };
    } finally {
      fields.dispose();
    }
  }

  private isTruthy(value: QuickJSHandle): boolean {
    const vm = this.vm;
    // The usual callback(null, …) answered with one call into the guest instead of two.
    if (vm.eq(value, vm.null)) return false;
    switch (vm.typeof(value)) {
      case "undefined":
        return false;
      case "boolean":
        return vm.eq(value, vm.true);
      case "number": {
        const number = vm.getNumber(value);
        return number !== 0 && !Number.isNaN(number);
      }
      case "string":
        return this.stringLength(value) > 0;
      case "bigint":
        return vm.getBigInt(value) !== BigInt(0);
      case "object":
        return !vm.eq(value, vm.null);
      default:
        return true;
    }
  }

  private stringLength(value: QuickJSHandle): number {
    const length = this.vm.getProp(value, "length");
    try {
      return this.vm.getNumber(length);
    } finally {
      length.dispose();
    }
  }

  private parseInGuest(jsonText: string): QuickJSHandle {
    const text = this.vm.newString(jsonText);
    try {
      return this.vm.unwrapResult(this.vm.callFunction(this.jsonParse, this.vm.undefined, text));
    } finally {
      text.dispose();
    }
  }

  private own(handle: QuickJSHandle): QuickJSHandle {
    this.ownedHandles.push(handle);
    return handle;
  }

  private timeoutError(): HookError {
    return new HookError(this.hookName, "timeout", `${this.hookName} did not finish within ${this.limits.timeoutMs} ms.`);
  }

  private memoryError(): HookError {
    const limit = formatMebibytes(this.limits.memoryLimitBytes);
    return new HookError(this.hookName, "memory", `${this.hookName} ran out of memory (limit ${limit} MB).`);
  }

  private notAFunctionError(): HookError {
    const message = this.source.isModuleForm
      ? `${this.hookName} must assign a function to module.exports.`
      : `${this.hookName} must be a function expression, e.g. function (ctx, callback) { … }.`;
    return new HookError(this.hookName, "syntax", message);
  }

  /** The guest could not even run a helper to describe its error: it was out of time or memory. */
  private failureWithoutDescription(): HookError {
    return this.interruptedAtDeadline ? this.timeoutError() : this.memoryError();
  }

  /**
   * An exception on the host side while driving the guest: a guest error surfaced by unwrapResult()
   * (interrupt, out of memory), or a trap inside QuickJS.
   */
  private failureFromHost(error: unknown): HookError {
    if (this.interruptedAtDeadline) return this.timeoutError();
    this.moduleTrusted = false;
    if (!(error instanceof errors.QuickJSUnwrapError)) this.instanceBroken = true;
    if (this.sandboxModule.memory.buffer.byteLength > INITIAL_MEMORY_BYTES) return this.memoryError();
    return sandboxFailure(this.hookName, error);
  }
}

function pagesForLimit(memoryLimitBytes: number): number {
  return INITIAL_MEMORY_PAGES + Math.ceil(memoryLimitBytes / WASM_PAGE_BYTES);
}

function resolveLimits(options: HookRunOptions): RunLimits {
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

/** JSON texts parsed inside the guest: each of the hook's arguments, and the extra globals if any. */
function buildGuestInput(options: HookRunOptions): GuestInput {
  const globals = options.globals ?? {};
  const hostFunctions = Object.keys(options.hostFunctions ?? {});
  for (const name of [...Object.keys(globals), ...hostFunctions]) {
    if (!IDENTIFIER.test(name) || FORBIDDEN_GLOBAL_NAMES.has(name)) throw new TypeError(`"${name}" cannot be a hook global`);
  }
  const duplicate = hostFunctions.find((name) => Object.hasOwn(globals, name));
  if (duplicate) throw new TypeError(`"${duplicate}" is both a global and a host function`);
  // As inside an array: what JSON cannot represent (undefined, a function) becomes null.
  const args = options.args.map((arg: unknown) => JSON.stringify(arg) ?? "null");
  return { args, globals: options.globals === undefined ? undefined : JSON.stringify(globals) };
}

/**
 * `(CODE\n)` for a function expression, or a module wrapper that evaluates to `module.exports` when the
 * code assigns it. Both keep the code's line numbers; only line 1 is shifted by the prefix.
 */
function wrapHookSource(code: string): HookSource {
  const lines = code.split("\n");
  const shape = { lineCount: lines.length, lastLineLength: lines[lines.length - 1].length };
  if (MODULE_EXPORTS_ASSIGNMENT.test(code)) {
    const prefix = "(function (module) { (function (module, exports) {";
    const suffix = "\n})(module, module.exports); return module.exports; })({ exports: {} })";
    return { text: prefix + code + suffix, isModuleForm: true, prefixLength: prefix.length, ...shape };
  }
  // A semicolon after the function expression is common and harmless.
  let end = code.length;
  while (end > 0 && (code[end - 1] === ";" || /\s/.test(code[end - 1]))) end--;
  return { text: `(${code.slice(0, end)}\n)`, isModuleForm: false, prefixLength: 1, ...shape };
}

/** The first `hook.js:line:column` of a QuickJS stack, mapped back to the hook's own code. */
function locateInHook(stack: string, source: HookSource): HookSourceLocation | undefined {
  const match = HOOK_FRAME.exec(stack);
  if (!match) return undefined;
  const line = Number(match[1]);
  const column = Number(match[2]);
  // Errors found at the end of the input point at the wrapper's closing line.
  if (line > source.lineCount) return { line: source.lineCount, column: source.lastLineLength + 1 };
  return { line, column: line === 1 ? Math.max(1, column - source.prefixLength) : column };
}

/** Reads a string data property of an object the host or QuickJS created (no guest getters). */
function readStringProperty(vm: QuickJSContext, handle: QuickJSHandle, key: string | number): string {
  const value = vm.getProp(handle, key);
  try {
    return vm.typeof(value) === "string" ? vm.getString(value) : "";
  } finally {
    value.dispose();
  }
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

function isOutOfMemory(error: GuestErrorDescription): boolean {
  return error.name === "InternalError" && error.message === "out of memory";
}

function sandboxFailure(hookName: string, error: unknown): HookError {
  return new HookError(hookName, "thrown", `${hookName} failed inside the sandbox: ${errorMessage(error)}`);
}

function outcomeOf(kind: HookErrorKind): HookOutcome {
  if (kind === "timeout") return "timeout";
  if (kind === "memory") return "memory";
  return "error";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatMebibytes(bytes: number): string {
  const mebibytes = bytes / MIB;
  return Number.isInteger(mebibytes) ? String(mebibytes) : mebibytes.toFixed(1);
}
