/**
 * One run of a hook in a fresh QuickJS runtime and context: its limits enforced (deadline interrupt, memory
 * cap of the module, stack cap), the guest driven through the QuickJS API, and the way it settles (callback,
 * returned promise, exception, deadline). The variant is synchronous: while a runaway hook computes, it
 * blocks the thread that runs it until the deadline. A hook that is only waiting, with no host call in
 * flight, can never finish: it fails as a timeout at once.
 */
import {
  DefaultIntrinsics,
  errors,
  type Intrinsics,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  type VmFunctionImplementation,
} from "quickjs-emscripten-core";
import { GUEST_HELPER_SOURCES, type GuestHelper } from "./guest-helpers";
import { GuestModules } from "./guest-modules";
import type { GuestErrorDescription, GuestRun } from "./guest-run";
import { MAX_ERROR_CHARS, MAX_STACK_BYTES, memoryError, timeoutError, type RunLimits } from "./limits";
import { INITIAL_MEMORY_BYTES, type SandboxModule } from "./module-pool";
import { isOutOfMemory, serialiseResult } from "./result-contract";
import { HOOK_FILENAME, PARSE_ERROR_STACK, locateInHook, readStringProperty, wrapHookSource, type HookSource } from "./source";
import { fieldNamed, HookError, sandboxFailure, type HookLogEntry, type HookRunOptions, type Settlement } from "./types";

const HELPER_FILENAME = "sandbox-helper.js";
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const FORBIDDEN_GLOBAL_NAMES = new Set(["__proto__", "constructor", "prototype"]);
/**
 * Without typed arrays (ArrayBuffer, DataView, Uint8Array…): hooks handle JSON-like data, these classes are
 * where engine bugs have historically been, and leaving them out makes a context ~25% cheaper to create.
 */
export const GUEST_INTRINSICS: Intrinsics = { ...DefaultIntrinsics, TypedArrays: false };

export interface GuestInput {
  args: string[];
  globals?: string;
}

/** JSON texts parsed inside the guest: each of the hook's arguments, and the extra globals if any. */
export function buildGuestInput(options: HookRunOptions): GuestInput {
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

export class HookExecution implements GuestRun {
  readonly hookName: string;
  readonly vm: QuickJSContext;
  // Captured before the hook runs, so that the host's own calls never go through hook-modified globals.
  readonly jsonStringify: QuickJSHandle;
  interruptedAtDeadline = false;
  /** QuickJS's interrupt checks so far: about one per 10,000 guest calls or loop turns. */
  guestWork = 0;
  private readonly jsonParse: QuickJSHandle;
  private readonly source: HookSource;
  private readonly deadline: number;
  private readonly runtime: QuickJSRuntime;
  private readonly modules: GuestModules;
  private readonly ownedHandles: QuickJSHandle[] = [];
  private readonly helpers = new Map<GuestHelper, QuickJSHandle>();
  /** A guest promise adopting the hook's returned thenable. */
  private adoption: { promise: QuickJSDeferredPromise; expectsCallback: boolean } | undefined;
  private settlement: Settlement | undefined;
  /** The hook called back or its promise settled: later signals are ignored. */
  private hookSignalled = false;
  /** A successful answer given while host calls the hook started were still running (see answer()). */
  private pendingAnswer: Settlement | undefined;
  private evaluatingCode = true;
  private moduleTrusted = true;
  /** A host exception went through QuickJS's C frames: its state is undefined, it must not run again. */
  private instanceBroken = false;
  private waker: (() => void) | undefined;

  constructor(
    private readonly sandboxModule: SandboxModule,
    readonly options: HookRunOptions,
    readonly limits: RunLimits,
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
    this.modules = new GuestModules(this);
  }

  get logs(): HookLogEntry[] {
    return this.modules.logs;
  }

  get isSettled(): boolean {
    return this.settlement !== undefined;
  }

  /** Runs the guest up to its first wait; the settlement when it is already settled. */
  start(): Settlement | undefined {
    try {
      this.startGuest();
    } catch (error) {
      this.failFromHost(error);
    }
    return this.settlement;
  }

  /** Waits for host calls to move the guest until it settles or its deadline passes. */
  async waitForSettlement(): Promise<Settlement> {
    try {
      while (!this.settlement) {
        const remainingMs = this.deadline - performance.now();
        // Only host calls can still move a waiting guest; without any, the hook will never finish.
        if (!this.modules.hasPendingHostCalls || remainingMs <= 0) {
          this.settle(this.pendingAnswer ?? { ok: false, error: this.timeoutError() });
          break;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remainingMs);
          this.waker = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.waker = undefined;
      }
    } catch (error) {
      this.failFromHost(error);
    }
    return this.settlement as Settlement;
  }

  /** Frees the guest; returns whether the module may be reused. */
  dispose(): boolean {
    this.modules.abortHostCalls();
    if (this.instanceBroken) return false;
    this.modules.disposePendingHostCalls();
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
    this.modules.install();
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
    const consoleLog = this.modules.consoleLog;
    const context = args[0] && vm.typeof(args[0]) === "object" && !vm.eq(args[0], vm.null) ? args[0] : undefined;
    if (context && this.options.contextLog && consoleLog) vm.setProp(context, "log", consoleLog);
    if (context) this.modules.installContextFunctions(context);
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

  /**
   * Wraps a host function the guest calls. Without this, quickjs-emscripten would turn an exception
   * thrown inside it (e.g. Node's stack overflowing in a nested guest call) into a guest exception and
   * let the broken instance run on.
   */
  guestCallable(
    body: (...args: QuickJSHandle[]) => ReturnType<VmFunctionImplementation<QuickJSHandle>>,
  ): VmFunctionImplementation<QuickJSHandle> {
    return (...args) => this.guarded(() => body(...args));
  }

  /** Runs host code on behalf of the guest (see guestCallable); undefined when it failed. */
  guarded<T>(body: () => T): T | undefined {
    if (this.instanceBroken) return undefined;
    try {
      return body();
    } catch (error) {
      this.failFromHost(error);
      return undefined;
    }
  }

  private shouldInterrupt(): boolean {
    this.guestWork++;
    // Once settled, nothing the guest still does matters: stop it at once.
    if (this.settlement) return true;
    if (performance.now() < this.deadline) return false;
    this.interruptedAtDeadline = true;
    return true;
  }

  drainJobs(): void {
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
        this.answer(serialiseResult(this, value));
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
    else this.answer(serialiseResult(this, result));
  }

  /**
   * As on Auth0, work the hook started before answering keeps running until it settles or the deadline
   * passes (a Slack request sent right before `cb()`): a success waits for the host calls in flight.
   * An error the guest throws meanwhile ends the run with that error instead.
   */
  private answer(settlement: Settlement): void {
    if (!settlement.ok || !this.modules.hasPendingHostCalls) return this.settle(settlement);
    this.pendingAnswer = settlement;
    this.wake();
  }

  failWithGuestError(error: QuickJSHandle): void {
    this.onGuestException(error.dup());
  }

  /** An exception escaped the hook: evaluation errors, synchronous throws, interrupts, out of memory. */
  private onGuestException(error: QuickJSHandle): void {
    try {
      if (this.settlement) return;
      this.pendingAnswer = undefined;
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
    return { ok: false, error: new HookError(this.hookName, kind, described.message, location, fieldNamed(described.field)) };
  }

  settle(settlement: Settlement): void {
    if (this.settlement) return;
    this.settlement = settlement;
    // After running out of memory the module's state is not trusted, and its memory stays grown.
    if (!settlement.ok && settlement.error.kind === "memory") this.moduleTrusted = false;
    this.wake();
  }

  wake(): void {
    this.waker?.();
  }

  /** Compiles one of the guest helpers on first use; undefined when the guest has no memory or time left. */
  helper(name: GuestHelper): QuickJSHandle | undefined {
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

  describe(error: QuickJSHandle): GuestErrorDescription | undefined {
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
      const [message, name, stack, field] = [0, 1, 2, 3].map((index) => readStringProperty(vm, fields, index));
      return { message, name, stack, field };
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

  stringLength(value: QuickJSHandle): number {
    const length = this.vm.getProp(value, "length");
    try {
      return this.vm.getNumber(length);
    } finally {
      length.dispose();
    }
  }

  parseInGuest(jsonText: string): QuickJSHandle {
    const text = this.vm.newString(jsonText);
    try {
      return this.vm.unwrapResult(this.vm.callFunction(this.jsonParse, this.vm.undefined, text));
    } finally {
      text.dispose();
    }
  }

  own(handle: QuickJSHandle): QuickJSHandle {
    this.ownedHandles.push(handle);
    return handle;
  }

  timeoutError(): HookError {
    return timeoutError(this.hookName, this.limits);
  }

  memoryError(): HookError {
    return memoryError(this.hookName, this.limits);
  }

  private notAFunctionError(): HookError {
    const message = this.source.isModuleForm
      ? `${this.hookName} must assign a function to module.exports.`
      : `${this.hookName} must be a function expression, e.g. function (ctx, callback) { … }.`;
    return new HookError(this.hookName, "syntax", message);
  }

  failureWithoutDescription(): HookError {
    return this.interruptedAtDeadline ? this.timeoutError() : this.memoryError();
  }

  /**
   * An exception on the host side while driving the guest: a guest error surfaced by unwrapResult()
   * (interrupt, out of memory), or a trap inside QuickJS.
   */
  failFromHost(error: unknown): void {
    this.settle({ ok: false, error: this.failureFromHost(error) });
  }

  private failureFromHost(error: unknown): HookError {
    if (this.interruptedAtDeadline) return this.timeoutError();
    this.moduleTrusted = false;
    if (!(error instanceof errors.QuickJSUnwrapError)) this.instanceBroken = true;
    if (this.sandboxModule.memory.buffer.byteLength > INITIAL_MEMORY_BYTES) return this.memoryError();
    return sandboxFailure(this.hookName, error);
  }
}
