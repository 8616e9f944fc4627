/**
 * What the guest finds besides the language: `console` (and `log`), `require`, and the host functions
 * (e.g. the post-registration hook's `fetch`), each a bridge that only passes JSON data across.
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { QuickJSDeferredPromise, QuickJSHandle, VmCallResult } from "quickjs-emscripten-core";
import type { GuestRun } from "./guest-run";
import { MAX_HOST_ARGUMENTS_BYTES } from "./limits";
import { BUILTIN_MODULES, SUPPORT_SOURCE, isMissingPackage, moduleSource, resolveModuleName } from "./modules";
import { parseUntrustedJson, truncateUtf8, utf8Length } from "./plain-json";
import { toJsonInGuest } from "./result-contract";
import { SecretMask } from "./secret-mask";
import { errorMessage, LOG_LEVELS, type HookLogEntry, type HookLogLevel, type HostFunction, type HostFunctionContext } from "./types";

const MAX_RANDOM_BYTES = 65_536;
const refusedFetch: HostFunction = async () => {
  throw new Error("This hook cannot make HTTP requests here.");
};
const LOG_TRUNCATED_MARKER = "… [log output truncated]";
const DEFAULT_REQUIRE_HINT = "Hooks run without modules: use standard JavaScript, console.log and the arguments the hook receives.";

export class GuestModules {
  readonly logs: HookLogEntry[] = [];
  /** `console.log`, also given to the hook as `ctx.log` when asked. */
  consoleLog: QuickJSHandle | undefined;
  private readonly pendingHostCalls = new Set<QuickJSDeferredPromise>();
  /** Created on the first host call: most runs make none, and an AbortController is not free. */
  private abortController: AbortController | undefined;
  /** `console` once built, or what the hook assigned to it. */
  private consoleValue: QuickJSHandle | undefined;
  private logBytes = 0;
  private logsFull = false;
  private readonly moduleCache = new Map<string, QuickJSHandle>();
  private supportHandles: { host: QuickJSHandle; support: QuickJSHandle } | undefined;
  /** Masks the run's secret values in every log line, before it is cut to the log budget. */
  private readonly secretMask: SecretMask;

  constructor(private readonly run: GuestRun) {
    this.secretMask = new SecretMask(run.options.secretValues);
  }

  install(): void {
    this.installConsole();
    this.installRequire();
    this.installHostFunctions();
  }

  /** Only host calls can still move a waiting guest. */
  get hasPendingHostCalls(): boolean {
    return this.pendingHostCalls.size > 0;
  }

  /** Tells host functions still running that the run is over. */
  abortHostCalls(): void {
    this.abortController?.abort();
  }

  disposePendingHostCalls(): void {
    for (const deferred of this.pendingHostCalls) deferred.dispose();
    this.pendingHostCalls.clear();
  }

  private installConsole(): void {
    const vm = this.run.vm;
    const log = this.run.own(this.newConsoleMethod("log"));
    this.consoleLog = log;
    vm.setProp(vm.global, "log", log);
    // Most hooks never log, and the console object costs as much to build as the rest of the setup: it
    // is built on first use, behind an accessor that also keeps what the hook assigns to `console`.
    vm.defineProp(vm.global, "console", {
      configurable: true,
      enumerable: true,
      get: () => this.run.guarded(() => this.guestConsole(log).dup()) ?? vm.undefined,
      set: (value) =>
        this.run.guarded(() => {
          this.consoleValue = this.run.own(value.dup());
        }),
    });
  }

  private guestConsole(log: QuickJSHandle): QuickJSHandle {
    if (this.consoleValue) return this.consoleValue;
    const vm = this.run.vm;
    const console = this.run.own(vm.newObject());
    for (const level of LOG_LEVELS) {
      const method = level === "log" ? log : this.newConsoleMethod(level);
      vm.setProp(console, level, method);
      if (method !== log) method.dispose();
    }
    this.consoleValue = console;
    return console;
  }

  private newConsoleMethod(level: HookLogLevel): QuickJSHandle {
    return this.run.vm.newFunction(level, this.run.guestCallable((...values) => this.onConsole(level, values)));
  }

  private onConsole(level: HookLogLevel, values: QuickJSHandle[]): VmCallResult<QuickJSHandle> | void {
    if (this.logsFull) return;
    const formatter = this.run.helper("format");
    if (!formatter) return;
    const vm = this.run.vm;
    const remaining = this.run.limits.maxLogBytes - this.logBytes;
    const maxChars = vm.newNumber(remaining + 1);
    const formatted = vm.callFunction(formatter, vm.undefined, [maxChars, ...values]);
    maxChars.dispose();
    // Interrupts and out-of-memory errors go back to the guest, which cannot catch an interrupt.
    if (formatted.error) return { error: formatted.error };
    const text = vm.typeof(formatted.value) === "string" ? vm.getString(formatted.value) : "";
    formatted.value.dispose();
    // Longer than the budget means cut short by the formatter, possibly in the middle of a secret.
    const message = this.secretMask.apply(text, { cut: text.length > remaining });
    const size = utf8Length(message);
    if (size <= remaining) {
      this.logs.push({ level, message });
      this.logBytes += size;
      return;
    }
    this.logs.push({ level, message: truncateUtf8(message, remaining) + LOG_TRUNCATED_MARKER });
    this.logsFull = true;
  }

  private installRequire(): void {
    const vm = this.run.vm;
    const modules = this.run.options.modules;
    const require = this.run.own(
      vm.newFunction(
        "require",
        this.run.guestCallable((name) => {
          const requested = name && vm.typeof(name) === "string" ? vm.getString(name).slice(0, 200) : "…";
          if (!modules) {
            const hint = this.run.options.requireHint ?? DEFAULT_REQUIRE_HINT;
            return { error: vm.newError(`${this.run.hookName} cannot require('${requested}'): modules are not available. ${hint}`) };
          }
          return this.requireModule(requested, require);
        }),
      ),
    );
    vm.setProp(vm.global, "require", require);
  }

  /** module.exports of a built-in module, evaluated on its first require in this run. */
  private requireModule(requested: string, require: QuickJSHandle): QuickJSHandle | { error: QuickJSHandle } {
    const vm = this.run.vm;
    const name = resolveModuleName(requested);
    const cached = this.moduleCache.get(name);
    if (cached) return cached.dup();
    const source = moduleSource(name);
    if (source === undefined && isMissingPackage(name)) {
      return { error: vm.newError(`${this.run.hookName} cannot require('${requested}'): the ${name} package is not installed on this server (npm install).`) };
    }
    if (source === undefined) {
      const message = `${this.run.hookName} cannot require('${requested}'): it is not a built-in module. Available: ${BUILTIN_MODULES.join(", ")}.`;
      return { error: vm.newError(message) };
    }
    const support = this.moduleSupport();
    if ("error" in support) return support;
    const factory = vm.evalCode(`(function (module, exports, require, host, support) {${source}\n})`, `module:${name}.js`, { type: "global" });
    if (factory.error) return { error: factory.error };
    const moduleObject = vm.newObject();
    const exports = vm.newObject();
    vm.setProp(moduleObject, "exports", exports);
    const loaded = vm.callFunction(factory.value, vm.undefined, [moduleObject, exports, require, support.host, support.support]);
    factory.value.dispose();
    exports.dispose();
    if (loaded.error) {
      moduleObject.dispose();
      return { error: loaded.error };
    }
    loaded.value.dispose();
    const value = this.run.own(vm.getProp(moduleObject, "exports"));
    moduleObject.dispose();
    this.moduleCache.set(name, value);
    return value.dup();
  }

  /** The `host` bridge and the shared `support` helpers the modules get, built on the first require. */
  private moduleSupport(): { host: QuickJSHandle; support: QuickJSHandle } | { error: QuickJSHandle } {
    if (this.supportHandles) return this.supportHandles;
    const vm = this.run.vm;
    const host = this.run.own(vm.newObject());
    const fetch = this.run.options.modules?.fetch ?? refusedFetch;
    const fetchFunction = this.newHostFunction("fetch", fetch);
    vm.setProp(host, "fetch", fetchFunction);
    fetchFunction.dispose();
    const fail = vm.newFunction(
      "fail",
      this.run.guestCallable((error) => {
        this.run.failWithGuestError(error ?? vm.undefined);
      }),
    );
    vm.setProp(host, "fail", fail);
    fail.dispose();
    const crypto = vm.newFunction("crypto", this.run.guestCallable((...args) => this.hostCrypto(args)));
    vm.setProp(host, "crypto", crypto);
    crypto.dispose();
    const factory = vm.evalCode(`(function (host) {${SUPPORT_SOURCE}\nreturn support; })`, "module:support.js", { type: "global" });
    if (factory.error) return { error: factory.error };
    const support = vm.callFunction(factory.value, vm.undefined, host);
    factory.value.dispose();
    if (support.error) return { error: support.error };
    this.supportHandles = { host, support: this.run.own(support.value) };
    return this.supportHandles;
  }

  /** crypto('uuid') | crypto('random', size) | crypto('hash' | 'hmac', algorithm, keyBase64, chunksBase64[]), in base64. */
  private hostCrypto(args: QuickJSHandle[]): QuickJSHandle | { error: QuickJSHandle } {
    const vm = this.run.vm;
    const text = (handle: QuickJSHandle | undefined) => (handle && vm.typeof(handle) === "string" ? vm.getString(handle) : "");
    const operation = text(args[0]);
    try {
      if (operation === "uuid") return vm.newString(randomUUID());
      if (operation === "random") {
        const size = args[1] && vm.typeof(args[1]) === "number" ? vm.getNumber(args[1]) : NaN;
        if (!Number.isInteger(size) || size < 0 || size > MAX_RANDOM_BYTES) throw new RangeError(`randomBytes: size must be an integer from 0 to ${MAX_RANDOM_BYTES}`);
        return vm.newString(randomBytes(size).toString("base64"));
      }
      const algorithm = text(args[1]);
      const lengthHandle = args[3] ? vm.getProp(args[3], "length") : undefined;
      const length = lengthHandle && vm.typeof(lengthHandle) === "number" ? Math.min(vm.getNumber(lengthHandle), 10_000) : 0;
      lengthHandle?.dispose();
      const chunks: Buffer[] = [];
      for (let index = 0; index < length; index++) {
        const chunk = vm.getProp(args[3], index);
        chunks.push(Buffer.from(text(chunk), "base64"));
        chunk.dispose();
      }
      const digest =
        operation === "hmac" ? createHmac(algorithm, Buffer.from(text(args[2]), "base64")) : createHash(algorithm);
      return vm.newString(digest.update(Buffer.concat(chunks)).digest("base64"));
    } catch (error) {
      return { error: vm.newError(`crypto: ${errorMessage(error)}`) };
    }
  }

  private installHostFunctions(): void {
    const vm = this.run.vm;
    for (const [name, hostFunction] of Object.entries(this.run.options.hostFunctions ?? {})) {
      const fn = this.newHostFunction(name, hostFunction);
      vm.setProp(vm.global, name, fn);
      fn.dispose();
    }
  }

  /** Sets the context functions (see HookRunOptions.contextFunctions) on the hook's first argument. */
  installContextFunctions(target: QuickJSHandle): void {
    for (const [name, hostFunction] of Object.entries(this.run.options.contextFunctions ?? {})) {
      const fn = this.newHostFunction(name, hostFunction);
      this.run.vm.setProp(target, name, fn);
      fn.dispose();
    }
  }

  /** A guest function returning a promise that the host function settles. */
  private newHostFunction(name: string, hostFunction: HostFunction): QuickJSHandle {
    return this.run.vm.newFunction(name, this.run.guestCallable((...values) => this.onHostFunctionCall(name, hostFunction, values)));
  }

  private onHostFunctionCall(name: string, hostFunction: HostFunction, values: QuickJSHandle[]): QuickJSHandle {
    const vm = this.run.vm;
    const deferred = vm.newPromise();
    let count = values.length;
    while (count > 0 && vm.typeof(values[count - 1]) === "undefined") count--;
    const argsArray = vm.newArray();
    // Defined rather than set: setters the hook may have put on Array.prototype do not apply.
    values.slice(0, count).forEach((value, index) => vm.defineProp(argsArray, index, { value, enumerable: true }));
    const encoded = toJsonInGuest(this.run, argsArray);
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
    this.abortController ??= new AbortController();
    const context: HostFunctionContext = { hookName: this.run.hookName, signal: this.abortController.signal };
    const hostArgs = args;
    // Called from a microtask, so that the host function never runs inside a QuickJS callback.
    Promise.resolve()
      .then(() => (this.run.isSettled ? undefined : hostFunction.apply(context, hostArgs)))
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
    if (!this.pendingHostCalls.delete(deferred) || this.run.isSettled) return;
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
        const error = this.run.vm.newError({ name: "Error", message: failure });
        deferred.reject(error);
        error.dispose();
      } else if (jsonText === undefined) {
        deferred.resolve();
      } else {
        const value = this.run.parseInGuest(jsonText);
        deferred.resolve(value);
        value.dispose();
      }
      this.run.drainJobs();
    } catch (error) {
      this.run.failFromHost(error);
    }
    this.run.wake();
  }
}
