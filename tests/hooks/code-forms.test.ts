import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { getMembershipOptions } from "@/lib/departments/memberships";
import type { DomainError } from "@/lib/errors";
import { HOOK_KINDS, type HookKind } from "@/lib/hooks/kinds";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/** Every form DAE or Auth0's Hooks accept, saved and run through the console's own path (the Memberships Query Hook). */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
});

async function install(kind: HookKind, code: string) {
  await db().prisma.hookVersion.deleteMany({ where: { kind } });
  await db().prisma.hook.deleteMany({ where: { kind } });
  clearAllMemos();
  await saveHook(admins.ian, { kind, code, enabled: true, timeoutMs: 10_000 });
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as DomainError,
  );

const FORMS: Record<string, string> = {
  "an anonymous function expression": "function (ctx, callback) { callback(null, ['A']); }",
  "a named function expression": "function memberships(ctx, callback) { callback(null, ['A']); }",
  "an arrow function": "(ctx, callback) => callback(null, ['A'])",
  "an async function": "async function (ctx) { return ['A']; }",
  "an async arrow function": "async ctx => ['A']",
  "leading comments": "// Memberships for everyone\n/* v2 */\nfunction (ctx, callback) { callback(null, ['A']); }",
  "a trailing semicolon": "function (ctx, callback) { callback(null, ['A']); };\n",
  "a trailing semicolon and comment": "function (ctx, callback) { callback(null, ['A']); }; // done\n/* end */\n",
  "module.exports = function": "module.exports = function (ctx, callback) { callback(null, ['A']); };",
  "module.exports = async arrow": "module.exports = async (ctx) => ['A'];",
  "sloppy mode (an undeclared assignment)": "function (ctx, callback) { leaked = ['A']; callback(null, leaked); }",
};

describe("code forms", () => {
  for (const [form, code] of Object.entries(FORMS)) {
    it(`accepts ${form}`, async () => {
      await install("memberships", code);
      expect((await getMembershipOptions(admins.ian)).memberships).toEqual(["A"]);
    });
  }

  it("a `//` inside a string on the last line is not taken for a comment", async () => {
    await install("memberships", "function (ctx, callback) { callback(null, ['http://a']); }");
    expect((await getMembershipOptions(admins.ian)).memberships).toEqual(["http://a"]);
  });

  it("saves module.exports = function … for every kind", async () => {
    for (const kind of HOOK_KINDS) {
      await install(kind, "module.exports = function (ctx, callback) { callback(); };");
      expect(await db().prisma.hook.findUnique({ where: { kind }, select: { kind: true } })).toEqual({ kind });
      await db().prisma.hook.deleteMany({ where: { kind } });
    }
    clearAllMemos();
  });

  it("refuses at save a snippet without a function header, with line and column", async () => {
    const error = await errorOf(
      saveHook(admins.ian, { kind: "memberships", code: "// no header\nvar list = ['A'];\ncallback(null, list);", enabled: true, timeoutMs: 500 }),
    );
    expect(error.fieldErrors?.code).toBe("Memberships Query Hook has a syntax error at line 2, column 1: unexpected token in expression: 'var'");
  });
});
