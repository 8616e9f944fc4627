import { describe, expect, it } from "vitest";
import {
  DEFAULT_HOOK_TIMEOUT_MS,
  HookError,
  checkHookSyntax,
  runHook,
  type HookRunOptions,
  type HookRunResult,
} from "@/lib/hooks/sandbox";
import { SEED_WRITE_HOOK } from "@/lib/hooks/seed-write-hook";

function writeHookContext(currentDepartment: string, memberships: string[], method = "create") {
  return {
    method,
    payload: {
      email: "jane@example.com",
      password: "correct horse battery staple",
      connection: "Username-Password-Authentication",
      memberships,
      user_metadata: { locale: "en" },
      app_metadata: {},
    },
    request: {
      user: { user_id: "auth0|admin", app_metadata: { department: currentDepartment } },
      originalUser: { email: "jane@example.com", connection: "Username-Password-Authentication" },
    },
  };
}

function run(code: string, options: Partial<HookRunOptions> = {}): Promise<HookRunResult> {
  return runHook({ hookName: "Test Hook", code, args: [{}], timeoutMs: 300, ...options });
}

async function expectFailure(result: Promise<HookRunResult>, kind: HookError["kind"]): Promise<HookError> {
  const { ok, error, result: value } = await result;
  expect(ok).toBe(false);
  expect(value).toBeUndefined();
  expect(error).toBeInstanceOf(HookError);
  expect(error?.kind).toBe(kind);
  return error as HookError;
}

describe("the seed Write Hook", () => {
  it("lets a Finance admin create a Finance user", async () => {
    const result = await runHook({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [writeHookContext("Finance", ["Finance"])] });
    expect(result).toMatchObject({ ok: true, outcome: "success", logs: [] });
    expect(result.result).toEqual({
      email: "jane@example.com",
      password: "correct horse battery staple",
      connection: "Username-Password-Authentication",
      user_metadata: { locale: "en" },
      app_metadata: { department: "Finance" },
    });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it("refuses a Finance admin creating an IT user, with the hook's own message", async () => {
    const result = await runHook({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [writeHookContext("Finance", ["IT"])] });
    expect(result.outcome).toBe("error");
    expect(result.error?.message).toBe("You can only create users within your own department.");
    expect(result.error?.kind).toBe("callback_error");
    expect(result.error?.hookName).toBe("Write Hook");
    expect(result.error?.line).toBe(26);
  });

  it("lets IT create users in any department and requires a department", async () => {
    const it = await runHook({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [writeHookContext("IT", ["Finance"])] });
    expect(it.ok).toBe(true);
    const none = await runHook({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [writeHookContext("IT", [])] });
    expect(none.error?.message).toBe("The user must be created within a department.");
  });

  it("sends only the changed fields on update", async () => {
    const result = await runHook({
      hookName: "Write Hook",
      code: SEED_WRITE_HOOK,
      args: [writeHookContext("Finance", ["Finance"], "update")],
    });
    expect(result.result).toEqual({
      password: "correct horse battery staple",
      user_metadata: { locale: "en" },
      app_metadata: { department: "Finance" },
    });
  });
});

describe("hook shapes and completion", () => {
  it("supports the module.exports form with several arguments", async () => {
    const code = `module.exports = function (user, context, cb) {\n  cb(null, { id: user.id, client: context.clientName });\n};`;
    const result = await run(code, { args: [{ id: "u1" }, { clientName: "Console" }] });
    expect(result.result).toEqual({ id: "u1", client: "Console" });
  });

  it("accepts a trailing semicolon after the function expression", async () => {
    expect((await run("function (ctx, cb) { cb(null, 1); };\n")).result).toBe(1);
  });

  it("resolves with undefined when the hook calls back without a result", async () => {
    const result = await run("function (ctx, cb) { cb(); }");
    expect(result).toMatchObject({ ok: true, outcome: "success" });
    expect(result.result).toBeUndefined();
  });

  it("ignores a second callback and anything thrown after calling back", async () => {
    expect((await run("function (ctx, cb) { cb(null, 'first'); cb(null, 'second'); }")).result).toBe("first");
    expect((await run("function (ctx, cb) { cb(null, 'first'); cb(new Error('late')); }")).result).toBe("first");
    expect((await run("function (ctx, cb) { cb(null, 'first'); throw new Error('after'); }")).result).toBe("first");
  });

  it("stops a hook that keeps running after calling back", async () => {
    // Far below the 20 s timeout: the loop after the callback is cut short, not waited for.
    const result = await run("function (ctx, cb) { cb(null, 'done'); while (true) {} }", { timeoutMs: 20_000 });
    expect(result.result).toBe("done");
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("settles with a returned promise", async () => {
    expect((await run("async function (ctx) { return { doubled: ctx.n * 2 }; }", { args: [{ n: 21 }] })).result).toEqual({ doubled: 42 });
    expect((await run("function () { return Promise.resolve('later').then(function (v) { return v + '!'; }); }")).result).toBe("later!");
    const rejected = await expectFailure(run("async function () { throw new Error('async failure'); }"), "thrown");
    expect(rejected.message).toBe("async failure");
    const rejectedWithString = await expectFailure(run("function () { return Promise.reject('plain reason'); }"), "thrown");
    expect(rejectedWithString.message).toBe("plain reason");
  });

  it("waits for the callback of an async hook that declares it", async () => {
    const code = "async function (ctx, cb) { lookup(ctx.id).then(function (found) { cb(null, found); }); }";
    const result = await run(code, { args: [{ id: 7 }], hostFunctions: { lookup: async (id) => ({ id, name: "seven" }) } });
    expect(result.result).toEqual({ id: 7, name: "seven" });
  });

  it("ignores a plain (non-promise) return value", async () => {
    const result = await run("function (ctx, cb) { return { not: 'a result' }; }");
    expect(result.outcome).toBe("timeout");
  });

  it("rejects code that is not a function", async () => {
    expect((await expectFailure(run("42"), "syntax")).message).toBe(
      "Test Hook must be a function expression, e.g. function (ctx, callback) { … }.",
    );
    expect((await expectFailure(run("module.exports = 42;"), "syntax")).message).toBe(
      "Test Hook must assign a function to module.exports.",
    );
  });
});

describe("errors", () => {
  it("reports a thrown Error with its message verbatim and its location", async () => {
    const error = await expectFailure(run("function (ctx, cb) {\n  var a = 1;\n  throw new Error('Nope: ' + a);\n}"), "thrown");
    expect(error.message).toBe("Nope: 1");
    expect(error).toMatchObject({ hookName: "Test Hook", line: 3 });
    expect(error.column).toBeGreaterThan(0);
  });

  it("reports thrown non-Error values as strings", async () => {
    expect((await expectFailure(run("function () { throw 'just a string'; }"), "thrown")).message).toBe("just a string");
    expect((await expectFailure(run("function () { throw 404; }"), "thrown")).message).toBe("404");
    expect((await expectFailure(run("function () { throw { message: 'shaped like an error' }; }"), "thrown")).message).toBe(
      "shaped like an error",
    );
    expect((await expectFailure(run("function () { throw null; }"), "thrown")).message).toBe("null");
  });

  it("survives error values whose properties throw", async () => {
    const code = "function () { throw { get message() { throw new Error('no'); }, toString: function () { throw 1; } }; }";
    expect((await expectFailure(run(code), "thrown")).message).toBe("(unprintable error value)");
  });

  it("reports callback errors, including strings and errors without a message", async () => {
    expect((await expectFailure(run("function (ctx, cb) { cb('denied'); }"), "callback_error")).message).toBe("denied");
    expect((await expectFailure(run("function (ctx, cb) { cb(new TypeError()); }"), "callback_error")).message).toBe("TypeError");
    expect((await run("function (ctx, cb) { cb(0, 'falsy errors are not errors'); }")).result).toBe("falsy errors are not errors");
  });

  it("reports runtime errors of the hook's own code", async () => {
    const error = await expectFailure(run("function (ctx, cb) { cb(null, ctx.missing.deep); }"), "thrown");
    expect(error.message).toMatch(/cannot read property 'deep' of undefined/i);
  });

  it("reports syntax errors with the line and column in the hook's code", async () => {
    const error = await expectFailure(run("function (ctx, cb) {\n  var total = ;\n  cb(null, total);\n}"), "syntax");
    expect(error).toMatchObject({ line: 2, column: 15 });
    expect(error.message).toBe("Test Hook has a syntax error at line 2, column 15: unexpected token in expression: ';'");

    const firstLine = await expectFailure(run("function (ctx, cb) { var = 1; }"), "syntax");
    expect(firstLine).toMatchObject({ line: 1, column: 26 });

    const moduleForm = await expectFailure(run("module.exports = function (u, c, cb) {\n  cb(;\n};"), "syntax");
    expect(moduleForm).toMatchObject({ line: 2, column: 6 });
  });

  it("reports a runtime SyntaxError thrown while running as thrown, not as a syntax error", async () => {
    const error = await expectFailure(run("function (ctx, cb) { cb(null, JSON.parse('{')); }"), "thrown");
    expect(error.line).toBe(1);
  });

  it("reports stack overflows as errors and keeps working", async () => {
    const error = await expectFailure(run("function () { function down(n) { return down(n + 1) + 1; } down(0); }"), "thrown");
    expect(error.message).toBe("stack overflow");
    expect((await run("function (ctx, cb) { cb(null, 'fine'); }")).result).toBe("fine");
  });
});

describe("hostile values", () => {
  it.each([
    ["an error whose property access loops", "function () { throw new Proxy({}, { get: function () { while (true) {} } }); }"],
    ["a callback error whose message getter loops", "function (ctx, cb) { cb({ get message() { while (true) {} } }); }"],
    ["a result whose getter loops", "function (ctx, cb) { cb(null, { get x() { while (true) {} } }); }"],
    ["a thenable whose then loops", "function () { return { then: function () { while (true) {} } }; }"],
    ["a logged value whose toJSON loops", "function (ctx, cb) { console.log({ toJSON: function () { while (true) {} } }); cb(); }"],
  ])("stops %s at the deadline", async (_label, code) => {
    const result = await run(code, { timeoutMs: 100 });
    expect(result.outcome).toBe("timeout");
    expect(result.error?.message).toBe("Test Hook did not finish within 100 ms.");
  });

  it("fails cleanly on data nested too deeply for Node's stack, and keeps working", async () => {
    const code = "function (ctx, cb) { var o = []; for (var i = 0; i < 100000; i++) o = [o]; cb(null, o); }";
    const result = await run(code, { timeoutMs: 5_000 });
    expect(result.outcome).toBe("error");
    expect(result.error?.message).toMatch(/^Test Hook (failed inside the sandbox|returned an invalid result)/);
    expect((await run("function (ctx, cb) { cb(null, 'fine'); }")).result).toBe("fine");
  });

  it("fails cleanly on code nested too deeply for the parser, in runs and syntax checks", async () => {
    const code = `function (ctx, cb) { cb(null, ${"(".repeat(5_000)}1${")".repeat(5_000)}); }`;
    expect((await run(code)).outcome).toBe("error");
    expect(checkHookSyntax(code)).toMatchObject({ ok: false, line: 1, column: 1 });
    expect(checkHookSyntax("function (ctx, cb) { cb(); }")).toEqual({ ok: true });
    expect((await run("function (ctx, cb) { cb(null, 'fine'); }")).result).toBe("fine");
  });
});

describe("time limit", () => {
  it("exports the default deadline", () => {
    expect(DEFAULT_HOOK_TIMEOUT_MS).toBe(500);
  });

  it("stops an endless loop at the default deadline", async () => {
    const result = await runHook({ hookName: "Write Hook", code: "function (ctx, cb) { while (true) {} }", args: [{}] });
    expect(result).toMatchObject({ ok: false, outcome: "timeout" });
    expect(result.error?.message).toBe("Write Hook did not finish within 500 ms.");
    expect(result.error?.kind).toBe("timeout");
    expect(result.durationMs).toBeGreaterThanOrEqual(450);
  });

  it("cannot be caught by the hook", async () => {
    const code = "function (ctx, cb) { for (;;) { try { while (true) {} } catch (e) { cb(null, 'caught'); } } }";
    const result = await run(code, { timeoutMs: 100 });
    expect(result.outcome).toBe("timeout");
    expect(result.error?.message).toBe("Test Hook did not finish within 100 ms.");
  });

  it("times out hooks that never call back or whose promise never settles", async () => {
    for (const code of ["function (ctx, cb) {}", "function () { return new Promise(function () {}); }", "async function (ctx, cb) {}"]) {
      const result = await run(code, { timeoutMs: 200 });
      expect(result.outcome).toBe("timeout");
      expect(result.error?.message).toBe("Test Hook did not finish within 200 ms.");
    }
  });

  it("stops endless promise chains", async () => {
    const result = await run("function () { (function again() { Promise.resolve().then(again); })(); }", { timeoutMs: 100 });
    expect(result.outcome).toBe("timeout");
  });

  it("includes the time spent waiting for host functions", async () => {
    const result = await run("function (ctx, cb) { wait().then(function () { cb(null, 'late'); }); }", {
      timeoutMs: 150,
      hostFunctions: { wait: () => new Promise((resolve) => setTimeout(resolve, 10_000).unref()) },
    });
    expect(result.outcome).toBe("timeout");
    expect(result.durationMs).toBeGreaterThanOrEqual(150);
    expect(result.durationMs).toBeLessThan(5_000);
  });
});

describe("memory limit", () => {
  it("stops a memory bomb and the next run still works", async () => {
    const bomb = "function (ctx, cb) { var a = []; while (true) a.push(new Array(1e6).fill(1)); }";
    const result = await runHook({ hookName: "Write Hook", code: bomb, args: [{}], timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: false, outcome: "memory" });
    expect(result.error?.message).toBe("Write Hook ran out of memory (limit 32 MB).");

    const next = await runHook({ hookName: "Write Hook", code: SEED_WRITE_HOOK, args: [writeHookContext("Finance", ["Finance"])] });
    expect(next.ok).toBe(true);
  });

  it("applies the configured limit, also to memory kept in globals", async () => {
    const bomb = "var kept = []; module.exports = function () { while (true) kept.push('x'.repeat(1e5) + Math.random()); };";
    const result = await run(bomb, { memoryLimitBytes: 8 * 1024 * 1024, timeoutMs: 5_000 });
    expect(result.outcome).toBe("memory");
    expect(result.error?.message).toBe("Test Hook ran out of memory (limit 8 MB).");
  });

  it("reports a failed huge allocation as out of memory", async () => {
    const result = await run("function (ctx, cb) { cb(null, 'x'.repeat(2 ** 29).length); }", { timeoutMs: 5_000 });
    expect(result.outcome).toBe("memory");
  });
});

describe("console output", () => {
  it("captures every level and formats values", async () => {
    const code = `function (ctx, cb) {
      console.log('hello', { a: 1 }, [1, 2], 3, true, null, undefined);
      console.info('info'); console.warn('warn'); console.error(new Error('bad')); console.debug('debug');
      log('alias');
      var circular = {}; circular.self = circular; console.log({ b: 2 }, circular, function named() {});
      cb();
    }`;
    const { logs } = await run(code);
    expect(logs.map((entry) => entry.level)).toEqual(["log", "info", "warn", "error", "debug", "log", "log"]);
    expect(logs[0].message).toBe('hello {"a":1} [1,2] 3 true null undefined');
    expect(logs[3].message).toMatch(/^Error: bad\n {4}at /);
    expect(logs[5].message).toBe("alias");
    expect(logs[6].message).toBe('{"b":2} [object Object] [Function: named]');
  });

  it("lets the hook replace console or its methods, in strict code too", async () => {
    const code = `function (ctx, cb) {
      'use strict';
      var original = console;
      console.info('first');
      console = { log: function () {} };
      console.log('dropped');
      original.warn('kept');
      original.debug = function () {};
      original.debug('dropped too');
      cb(null, [typeof globalThis.console.log, console === original, original.log === log, Object.keys(globalThis).indexOf('console') >= 0]);
    }`;
    const { logs, result } = await run(code);
    expect(logs).toEqual([
      { level: "info", message: "first" },
      { level: "warn", message: "kept" },
    ]);
    expect(result).toEqual(["function", false, true, true]);
  });

  it("keeps logs of failed runs", async () => {
    const result = await run("function () { console.log('before'); throw new Error('after'); }");
    expect(result.logs).toEqual([{ level: "log", message: "before" }]);
  });

  it("bounds the captured output and marks the cut", async () => {
    const code = "function (ctx, cb) { for (var i = 0; i < 1000; i++) console.log('line ' + i + ' ' + 'é'.repeat(20)); cb(); }";
    const { logs, ok } = await run(code, { maxLogBytes: 300 });
    expect(ok).toBe(true);
    const last = logs[logs.length - 1].message;
    expect(last.endsWith("… [log output truncated]")).toBe(true);
    const bytes = logs.reduce((sum, entry) => sum + Buffer.byteLength(entry.message), 0);
    expect(bytes - Buffer.byteLength("… [log output truncated]")).toBeLessThanOrEqual(300);
    expect(logs.length).toBeLessThan(10);
  });
});

describe("result validation", () => {
  const invalid: [string, string, RegExp][] = [
    ["a function", "{ f: function () {} }", /the value of "f" is a function/],
    ["a nested function", "{ a: [{ b: function () {} }] }", /the value of "b" is a function/],
    ["a function as the result", "function () {}", /the value is a function/],
    ["undefined inside an array", "[1, undefined]", /the value of "1" is undefined inside an array/],
    ["NaN", "{ n: NaN }", /the value of "n" is not a finite number/],
    ["Infinity", "[Infinity]", /not a finite number/],
    ["a Date", "{ when: new Date(0) }", /the value of "when" is not a plain object or array/],
    ["a Map", "{ m: new Map() }", /not a plain object or array/],
    ["a class instance", "new (class Point { constructor() { this.x = 1; } })()", /the value is not a plain object or array/],
    ["a boxed string", "{ s: new String('x') }", /not a plain object or array/],
    ["a BigInt", "{ big: 10n }", /the value of "big" is a bigint/],
    ["a symbol", "{ s: Symbol('s') }", /is a symbol/],
    ["a cycle", "(function () { var o = {}; o.o = o; return o; })()", /cannot be converted to JSON \(circular reference\)/],
    ["a __proto__ key from JSON.parse", `JSON.parse('{"__proto__": {"polluted": true}}')`, /the key "__proto__" is not allowed/],
    ["a constructor key", "{ a: { constructor: { prototype: { polluted: true } } } }", /the key "constructor" is not allowed/],
    ["a prototype key deep down", "{ a: [{ b: { prototype: 1 } }] }", /the key "prototype" is not allowed/],
  ];

  it.each(invalid)("rejects %s", async (_label, expression, message) => {
    const error = await expectFailure(run(`function (ctx, cb) { cb(null, ${expression}); }`), "invalid_result");
    expect(error.message).toMatch(/^Test Hook returned an invalid result: /);
    expect(error.message).toMatch(message);
  });

  it("rejects results above maxResultBytes", async () => {
    const error = await expectFailure(run("function (ctx, cb) { cb(null, { s: 'é'.repeat(60) }); }", { maxResultBytes: 100 }), "invalid_result");
    expect(error.message).toBe("Test Hook returned an invalid result: the result is larger than 100 bytes.");
    expect((await run("function (ctx, cb) { cb(null, { s: 'é'.repeat(40) }); }", { maxResultBytes: 100 })).ok).toBe(true);
    expect((await run("function (ctx, cb) { cb(null, 'x'.repeat(70000)); }")).error?.kind).toBe("invalid_result");
  });

  it("accepts plain data and returns host objects created by JSON.parse", async () => {
    const code = "function (ctx, cb) { var bare = Object.create(null); bare.k = 'v'; cb(null, { bare: bare, list: [1, 'two', null, false, { x: 1.5 }], skipped: undefined }); }";
    const { result } = await run(code);
    expect(result).toEqual({ bare: { k: "v" }, list: [1, "two", null, false, { x: 1.5 }] });
    const data = result as { bare: object; list: unknown[] };
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(data.bare)).toBe(Object.prototype);
    expect(Array.isArray(data.list)).toBe(true);
    for (const primitive of ["'text'", "12.5", "true", "null"]) {
      expect((await run(`function (ctx, cb) { cb(null, ${primitive}); }`)).ok).toBe(true);
    }
  });

  it("accepts what the quick check leaves to the full check: toJSON() of a plain object, an object without prototype", async () => {
    const code = "function (ctx, cb) { cb(null, { at: { toJSON: function () { return { day: 1 }; } }, bare: Object.create(null) }); }";
    expect((await run(code)).result).toEqual({ at: { day: 1 }, bare: {} });
    const error = await expectFailure(run("function (ctx, cb) { cb(null, { at: { toJSON: function () { return [NaN]; } } }); }"), "invalid_result");
    expect(error.message).toMatch(/the value of "0" is not a finite number/);
  });

  it("validates the resolved value of a promise like a callback result", async () => {
    const error = await expectFailure(run("async function () { return { f: function () {} }; }"), "invalid_result");
    expect(error.message).toMatch(/is a function/);
  });
});

describe("host functions and globals", () => {
  it("leaves typed arrays out of the guest", async () => {
    expect((await run("function (ctx, cb) { cb(null, [typeof Uint8Array, typeof ArrayBuffer, typeof DataView]); }")).result).toEqual([
      "undefined",
      "undefined",
      "undefined",
    ]);
  });

  it("exposes JSON globals", async () => {
    const result = await run("function (ctx, cb) { cb(null, settings.region + ':' + limits[1]); }", {
      globals: { settings: { region: "eu" }, limits: [1, 2] },
    });
    expect(result.result).toBe("eu:2");
  });

  it("refuses globals that are not identifiers or would shadow each other", async () => {
    await expect(run("function (c, cb) { cb(); }", { globals: JSON.parse('{"__proto__": 1}') })).rejects.toThrow(TypeError);
    await expect(run("function (c, cb) { cb(); }", { globals: { "not-an-identifier": 1 } })).rejects.toThrow(TypeError);
    await expect(
      run("function (c, cb) { cb(); }", { globals: { fetch: 1 }, hostFunctions: { fetch: async () => 1 } }),
    ).rejects.toThrow(TypeError);
  });

  it("passes JSON arguments to host functions and resolves the guest promise with a copy", async () => {
    const calls: unknown[][] = [];
    const code = `async function (user, context) {
      var response = await fetch('https://api.example.com/users', { method: 'POST', body: { id: user.id } });
      response.extra = 'guest-side change';
      return response;
    }`;
    const result = await run(code, {
      args: [{ id: "u1" }, {}],
      hostFunctions: {
        fetch: async (...args) => {
          calls.push(args);
          return { status: 201, body: { created: true } };
        },
      },
    });
    expect(calls).toEqual([["https://api.example.com/users", { method: "POST", body: { id: "u1" } }]]);
    expect(result.result).toEqual({ status: 201, body: { created: true }, extra: "guest-side change" });
  });

  it("rejects the guest promise when the host function fails", async () => {
    const code = "async function () { try { await fetch('http://10.0.0.1'); } catch (e) { return e instanceof Error ? e.message : 'not an Error'; } }";
    const result = await run(code, {
      hostFunctions: {
        fetch: async () => {
          throw new Error("requests to private addresses are not allowed");
        },
      },
    });
    expect(result.result).toBe("requests to private addresses are not allowed");
  });

  it("refuses arguments that are not JSON data without calling the host", async () => {
    let called = false;
    const code = "async function () { try { await fetch('x', { onDone: function () {} }); } catch (e) { return e.name + ': ' + e.message; } }";
    const result = await run(code, {
      hostFunctions: {
        fetch: async () => {
          called = true;
        },
      },
    });
    expect(called).toBe(false);
    expect(result.result).toBe('TypeError: fetch(): the value of "onDone" is a function');
  });

  it("gives host functions an abort signal that fires when the run ends", async () => {
    let signal: AbortSignal | undefined;
    const result = await run("function (ctx, cb) { slow().then(function () { cb(null, 'never'); }); }", {
      timeoutMs: 100,
      hostFunctions: {
        slow(this: { signal: AbortSignal }) {
          signal = this.signal;
          return new Promise(() => {});
        },
      },
    });
    expect(result.outcome).toBe("timeout");
    expect(signal?.aborted).toBe(true);
  });

  it("does not call host functions once the hook has failed", async () => {
    let called = false;
    const result = await run("function (ctx, cb) { notify(); cb(new Error('stop')); }", {
      hostFunctions: {
        notify: async () => {
          called = true;
        },
      },
    });
    expect(result.error?.message).toBe("stop");
    // Positive marker: a host function called after this run's answer was settled has run by now.
    await run("function (ctx, cb) { notify(); cb(null, 'sentinel'); }", { hostFunctions: { notify: async () => {} } });
    expect(called).toBe(false);
  });

  it("finishes the host calls a hook started before its successful callback, then answers (as on Auth0)", async () => {
    let finished = false;
    const result = await run("function (ctx, cb) { notify(); cb(null, 'done'); }", {
      hostFunctions: {
        notify: () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              finished = true;
              resolve();
            }, 30),
          ),
      },
    });
    expect(result.result).toBe("done");
    expect(finished).toBe(true);
  });

  it("runs hooks concurrently while they wait for host functions", async () => {
    const code = "async function (ctx) { var v = await delay(ctx.ms); return ctx.name + ':' + v; }";
    const hostFunctions = { delay: (ms: unknown) => new Promise((resolve) => setTimeout(() => resolve(ms), Number(ms))) };
    const results = await Promise.all(
      [30, 10, 20].map((ms, index) => run(code, { args: [{ ms, name: `run${index}` }], hostFunctions })),
    );
    expect(results.map((result) => result.result)).toEqual(["run0:30", "run1:10", "run2:20"]);
  });
});

describe("checkHookSyntax", () => {
  it("accepts valid hooks in both forms", () => {
    expect(checkHookSyntax(SEED_WRITE_HOOK)).toEqual({ ok: true });
    expect(checkHookSyntax("module.exports = function (user, context, cb) { cb(); };")).toEqual({ ok: true });
  });

  it("reports the parser's message with a location in the hook's code", () => {
    expect(checkHookSyntax("function (ctx, cb) {\n  if (ctx {\n  }\n}")).toEqual({
      ok: false,
      message: "expecting ')'",
      line: 2,
      column: 11,
    });
    expect(checkHookSyntax("function (ctx, cb) { var = 1; }")).toMatchObject({ ok: false, line: 1, column: 26 });
  });

  it("points unterminated code at its end and rejects empty code", () => {
    expect(checkHookSyntax("function (ctx, cb) {\n  cb();")).toMatchObject({ ok: false, line: 2, column: 8 });
    expect(checkHookSyntax("  \n")).toEqual({ ok: false, message: "The hook has no code.", line: 1, column: 1 });
  });

  it("does not run the code", () => {
    expect(checkHookSyntax("(function () { while (true) {} })()")).toEqual({ ok: true });
  });
});

describe("compatibility helpers", () => {
  it("gives ctx.log when asked, writing to the captured logs", async () => {
    const run = await runHook({
      hookName: "Write Hook",
      code: "function (ctx, callback) { ctx.log('from ctx.log', ctx.method); callback(null, {}); }",
      args: [{ method: "create" }],
      contextLog: true,
    });
    expect(run.ok).toBe(true);
    expect(run.logs).toEqual([{ level: "log", message: "from ctx.log create" }]);
  });

  it("answers require() with a clear error that says what to use instead", async () => {
    const run = await runHook({
      hookName: "Post-User Registration Hook",
      code: "module.exports = function (user, context, cb) { var slack = require('slack-notify'); cb(); };",
      args: [{}, {}],
      requireHint: "Use fetch(url, options) instead.",
    });
    expect(run.ok).toBe(false);
    expect(run.error?.message).toBe(
      "Post-User Registration Hook cannot require('slack-notify'): modules are not available. Use fetch(url, options) instead.",
    );
  });

  it("runs a trusted prelude before the hook", async () => {
    const run = await runHook({
      hookName: "Hook",
      code: "function (ctx, callback) { callback(null, { greeting: greet('Ada') }); }",
      args: [{}],
      guestPrelude: "globalThis.greet = function (name) { return 'Hello ' + name; };",
    });
    expect(run.result).toEqual({ greeting: "Hello Ada" });
  });
});
