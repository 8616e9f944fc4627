import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHook, type HookRunOptions, type HookRunResult } from "@/lib/hooks/sandbox";

/**
 * Names of objects that exist in Node.js (or other hosts) but must not exist in the guest. ("global" is
 * only checked on globalThis: RegExp.prototype.global is a legitimate property.)
 */
const HOST_ONLY_NAMES = [
  "process",
  "require",
  "module",
  "exports",
  "Buffer",
  "__dirname",
  "__filename",
  "setTimeout",
  "setImmediate",
  "queueMicrotask",
  "fetch",
  "WebAssembly",
  "Deno",
  "Bun",
  "std",
  "os",
  "print",
  "scriptArgs",
];

/** What a guest may see on globalThis: ECMAScript built-ins plus the sandbox's console and log. */
const ALLOWED_GLOBALS = new Set([
  ...["AggregateError", "Array", "BigInt", "Boolean", "Date", "Error", "EvalError", "Function", "Infinity"],
  ...["InternalError", "Iterator", "JSON", "Map", "Math", "NaN", "Number", "Object", "Promise", "Proxy"],
  ...["RangeError", "ReferenceError", "Reflect", "RegExp", "Set", "String", "Symbol", "SyntaxError", "TypeError"],
  ...["URIError", "WeakMap", "WeakSet", "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent"],
  ...["escape", "eval", "globalThis", "isFinite", "isNaN", "parseFloat", "parseInt", "undefined", "unescape"],
  ...["WeakRef", "FinalizationRegistry", "console", "log"],
  // The sandbox's own stub: it only throws an error that says what to use instead (tested below).
  "require",
]);

function run(code: string, options: Partial<HookRunOptions> = {}): Promise<HookRunResult> {
  return runHook({ hookName: "Escape Hook", code, args: [{ user: "u1" }], timeoutMs: 1_000, ...options });
}

/** Runs a probe that calls back with what it found; the probe's own failures count as "found nothing". */
async function probe(body: string, options: Partial<HookRunOptions> = {}): Promise<unknown> {
  const result = await run(`function (ctx, callback) {\n${body}\n}`, options);
  expect(result.outcome, JSON.stringify(result.error?.message)).toBe("success");
  return result.result;
}

let prototypeNames: string[];
beforeEach(() => {
  prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
});
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((globalThis as Record<string, unknown>).polluted).toBeUndefined();
});

describe("constructors of guest functions stay in the guest", () => {
  it("this.constructor.constructor", async () => {
    const failure = await run("function (ctx, cb) { cb(null, this.constructor.constructor('return process')()); }");
    expect(failure.error?.message).toBe("'process' is not defined");
    expect(await probe("callback(null, this.constructor.constructor('return typeof process')());")).toBe("undefined");
  });

  it("Function and eval", async () => {
    expect(await probe("callback(null, [Function('return typeof process')(), eval('typeof Buffer'), (0, eval)('typeof module')]);")).toEqual([
      "undefined",
      "undefined",
      "undefined",
    ]);
  });

  it("the async function and generator constructors", async () => {
    const found = await probe(`
      var AsyncFunction = (async function () {}).constructor;
      var GeneratorFunction = (function* () {}).constructor;
      var AsyncGeneratorFunction = (async function* () {}).constructor;
      var fromGenerator = GeneratorFunction('yield typeof process; yield typeof Buffer')();
      Promise.all([
        AsyncFunction('return [typeof process, typeof Buffer, typeof globalThis.process]')(),
        AsyncGeneratorFunction('yield typeof process')().next(),
      ]).then(function (values) {
        callback(null, [values[0], values[1].value, fromGenerator.next().value, fromGenerator.next().value]);
      });`);
    expect(found).toEqual([["undefined", "undefined", "undefined"], "undefined", "undefined", "undefined"]);
  });

  it("the callback, console and host functions are guest functions", async () => {
    const found = await probe(
      `callback(null, [
        callback.constructor === Function, console.log.constructor === Function, lookup.constructor === Function,
        callback.constructor('return typeof process')(),
        lookup.constructor('return typeof Buffer')(),
        console.log.constructor.constructor('return typeof Buffer')(),
        String(callback), String(lookup),
        Object.getOwnPropertyNames(lookup).sort().join(),
      ]);`,
      { hostFunctions: { lookup: async () => ({ secret: "host source must not leak" }) } },
    );
    expect(found).toEqual([
      true,
      true,
      true,
      "undefined",
      "undefined",
      "undefined",
      "function callback() {\n    [native code]\n}",
      "function lookup() {\n    [native code]\n}",
      "length,name",
    ]);
  });

  it("what a host function resolves with is a fresh guest copy", async () => {
    const found = await probe(
      `lookup().then(function (data) {
        callback(null, [Object.getPrototypeOf(data) === Object.prototype, data.nested.constructor === Object,
          data.nested.constructor.constructor('return typeof process')()]);
      });`,
      { hostFunctions: { lookup: async () => ({ nested: { value: 1 } }) } },
    );
    expect(found).toEqual([true, true, "undefined"]);
  });

  it("callers, arguments.callee and stack traces lead nowhere", async () => {
    const found = await probe(`
      var caller;
      try { caller = String(arguments.callee.caller); } catch (e) { caller = 'threw'; }
      Error.prepareStackTrace = function (error, frames) {
        return frames.map(function (frame) { return typeof frame.getThis === 'function' ? typeof frame.getThis() : 'no getThis'; });
      };
      var stack = new Error('probe').stack;
      Error.captureStackTrace && Error.captureStackTrace({});
      callback(null, { caller: caller, stack: String(stack), hasCapture: typeof Error.captureStackTrace });`);
    const { caller, stack, hasCapture } = found as { caller: string; stack: string; hasCapture: string };
    expect(["null", "undefined", "threw"]).toContain(caller);
    expect(stack).not.toMatch(/process|node:|node_modules|\/work\//);
    expect(hasCapture).toBe("undefined");
  });
});

describe("no host module system", () => {
  it("dynamic import() is refused", async () => {
    const found = await probe(`
      var specifiers = ['fs', 'node:fs', 'child_process', '/etc/passwd', 'data:text/javascript,export default 1'];
      Promise.all(specifiers.map(function (specifier) {
        return import(specifier).then(function () { return 'loaded ' + specifier; }, function (e) { return e.name + ': ' + e.message; });
      })).then(function (outcomes) { callback(null, outcomes); });`);
    expect(found).toEqual([
      "ReferenceError: could not load module 'fs'",
      "ReferenceError: could not load module 'node:fs'",
      "ReferenceError: could not load module 'child_process'",
      "ReferenceError: could not load module '/etc/passwd'",
      "ReferenceError: could not load module 'data:text/javascript,export default 1'",
    ]);
  });

  it("static imports are a syntax error", async () => {
    const result = await run("import fs from 'fs';\nfunction (ctx, cb) { cb(null, typeof fs); }");
    expect(result.error?.kind).toBe("syntax");
  });

  it("the module.exports form only gets its own module object", async () => {
    const result = await run(
      "module.exports = function (ctx, cb) { cb(null, [Object.keys(module).join(), typeof module.require, typeof require, typeof exports]); };",
    );
    expect(result.result).toEqual(["exports", "undefined", "function", "object"]);
  });

  it("require is the sandbox's stub: a guest function that loads nothing and throws", async () => {
    const found = await probe(`
      var outcome;
      try { outcome = typeof require('fs'); } catch (e) { outcome = e instanceof Error ? 'refused' : 'odd'; }
      callback(null, [outcome, require.constructor === Function, require.constructor('return typeof process')()]);`);
    expect(found).toEqual(["refused", true, "undefined"]);
  });
});

describe("globalThis holds nothing of the host", () => {
  it("has only ECMAScript built-ins, console and log", async () => {
    const names = (await probe("callback(null, Object.getOwnPropertyNames(globalThis));")) as string[];
    expect(names.filter((name) => !ALLOWED_GLOBALS.has(name))).toEqual([]);
    const symbols = await probe("callback(null, Object.getOwnPropertySymbols(globalThis).map(String));");
    expect(symbols).toEqual(["Symbol(Symbol.toStringTag)"]);
    expect(await probe("callback(null, Object.getPrototypeOf(globalThis) === Object.prototype);")).toBe(true);
  });

  it("no host-only name is reachable from anything reachable", async () => {
    // Walks every object reachable from globalThis through own properties (including getters' results)
    // and prototypes, and reports any property named like a host object.
    const found = await probe(`
      var hostNames = ${JSON.stringify(HOST_ONLY_NAMES)};
      var seen = new Set(), queue = [globalThis], hits = [], visited = 0;
      while (queue.length > 0 && visited < 20000) {
        var object = queue.shift();
        if (object === null || (typeof object !== 'object' && typeof object !== 'function') || seen.has(object)) continue;
        seen.add(object); visited++;
        var keys = Reflect.ownKeys(object);
        for (var i = 0; i < keys.length; i++) {
          var key = keys[i];
          if (typeof key === 'string' && hostNames.indexOf(key) >= 0 && object !== globalThis) hits.push(key);
          var value;
          try { value = object[key]; } catch (e) { continue; }
          queue.push(value);
        }
        queue.push(Object.getPrototypeOf(object));
      }
      var globalHits = hostNames.concat(['global']).filter(function (name) { return name !== 'require' && name in globalThis; });
      callback(null, { hits: hits, visited: visited, globalHits: globalHits });`);
    const { hits, visited, globalHits } = found as { hits: string[]; visited: number; globalHits: string[] };
    expect(visited).toBeGreaterThan(100);
    expect(hits).toEqual([]);
    expect(globalHits).toEqual([]);
  });

  it("globals passed by the host are plain data", async () => {
    const found = await probe("callback(null, [Object.getPrototypeOf(settings) === Object.prototype, typeof settings.toJSON]);", {
      globals: { settings: { region: "eu" } },
    });
    expect(found).toEqual([true, "undefined"]);
  });
});

describe("prototype pollution does not reach the host", () => {
  it.each([
    ["JSON.parse", `JSON.parse('{"__proto__": {"polluted": true}}')`],
    ["nested JSON.parse", `{ profile: JSON.parse('{"__proto__": {"polluted": true}}') }`],
    ["Object.defineProperty", `(function () { var r = {}; Object.defineProperty(r, '__proto__', { value: { polluted: true }, enumerable: true }); return r; })()`],
    ["constructor.prototype", `{ constructor: { prototype: { polluted: true } } }`],
    ["toJSON producing __proto__", `{ toJSON: function () { return JSON.parse('{"__proto__": {"polluted": true}}'); } }`],
  ])("rejects a result polluting through %s", async (_label, expression) => {
    const result = await run(`function (ctx, cb) { cb(null, ${expression}); }`);
    expect(result.outcome).toBe("error");
    expect(result.error?.kind).toBe("invalid_result");
  });

  it("the guest polluting its own prototypes changes nothing on the host", async () => {
    const result = await run(`function (ctx, cb) {
      Object.prototype.polluted = true;
      Array.prototype.polluted = true;
      Object.defineProperty(Object.prototype, 'toJSON', { value: undefined, enumerable: false });
      globalThis.polluted = true;
      cb(null, { plain: {}, list: [] });
    }`);
    expect(result.result).toEqual({ plain: {}, list: [] });
    const value = result.result as { plain: Record<string, unknown>; list: unknown[] };
    expect(value.plain.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value.list)).toBe(Array.prototype);
  });

  it("the guest replacing JSON.stringify or JSON.parse does not change how results are read", async () => {
    const result = await run(`function (ctx, cb) {
      JSON.stringify = function () { return '{"__proto__": {"polluted": true}}'; };
      JSON.parse = function () { return { polluted: true }; };
      cb(null, { harmless: true });
    }`);
    expect(result.result).toEqual({ harmless: true });
  });

  it("host function arguments are checked for reserved keys too", async () => {
    let received: unknown;
    const result = await run(
      `async function () {
        try { await send(JSON.parse('{"__proto__": {"polluted": true}}')); return 'sent'; } catch (e) { return e.message; }
      }`,
      {
        hostFunctions: {
          send: async (value) => {
            received = value;
          },
        },
      },
    );
    expect(received).toBeUndefined();
    expect(result.result).toBe('send(): the key "__proto__" is not allowed');
  });
});
