import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { getMembershipOptions } from "@/lib/departments/memberships";
import type { DomainError } from "@/lib/errors";
import { CUSTOM_DATA_CONFLICT, readCustomData, writeCustomData } from "@/lib/hooks/custom-data";
import type { HookKind } from "@/lib/hooks/kinds";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/** DAE's ctx.read() / ctx.write(): one JSON document shared by the tenant's hooks. */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 4);
});

beforeEach(async () => {
  await db().prisma.hookCustomData.deleteMany({});
  await db().prisma.auditLog.deleteMany({ where: { action: "hook.custom_data.write" } });
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

describe("ctx.read() and ctx.write()", () => {
  it("a hook writes the departments and the next run reads them (DAE's memberships-storage example)", async () => {
    await install(
      "memberships",
      `function (ctx, callback) {
        ctx.read().then(function (data) {
          if (data.departments) return callback(null, data.departments);
          return ctx.write({ departments: ['IT', 'HR', 'Finance'] }).then(function () { callback(null, ['first run']); });
        }).catch(callback);
      }`,
    );
    expect((await getMembershipOptions(admins.kelly)).memberships).toEqual(["first run"]);
    expect((await getMembershipOptions(admins.kelly)).memberships).toEqual(["IT", "HR", "Finance"]);
    expect(await readCustomData()).toEqual({ data: { departments: ["IT", "HR", "Finance"] }, version: 1 });
  });

  it("audits each write as the admin whose action ran the hook", async () => {
    await install("memberships", "function (ctx, callback) { ctx.write({ n: 1 }).then(function () { callback(null, []); }, callback); }");
    await getMembershipOptions(admins.kelly);
    await getMembershipOptions(admins.ian);
    const entries = await db().prisma.auditLog.findMany({ where: { action: "hook.custom_data.write" }, orderBy: { createdAt: "asc" } });
    expect(entries.map((entry) => [entry.actorEmail, entry.details])).toEqual([
      ["kelly@example.com", { hook: "memberships", bytes: 7, version: 1 }],
      ["ian@example.com", { hook: "memberships", bytes: 7, version: 2 }],
    ]);
  });

  it("refuses a document over 400 KB, at 400 KB + 1 byte, and keeps the stored one", async () => {
    const fits = { s: "x".repeat(400 * 1024 - 8) }; // {"s":"…"} is 8 bytes of JSON around the string
    await writeCustomData(admins.ian, "write", fits, null);
    await install(
      "memberships",
      `function (ctx, callback) { ctx.write({ s: new Array(${400 * 1024 - 8 + 2}).join('x') }).then(function () { callback(null, []); }, callback); }`,
    );
    const error = await errorOf(getMembershipOptions(admins.ian));
    expect(error.message).toBe("ctx.write(): the custom data is 409601 bytes; it may be at most 409600 bytes (400 KB).");
    expect((await readCustomData()).data).toEqual(fits);
  });

  it("a write based on a stale read is refused, never lost silently", async () => {
    await writeCustomData(admins.ian, "write", { a: 1 }, null);
    await writeCustomData(admins.ian, "write", { a: 2 }, 1);
    await expect(writeCustomData(admins.ian, "write", { a: 3 }, 1)).rejects.toThrow(CUSTOM_DATA_CONFLICT);
    await expect(writeCustomData(admins.ian, "write", { a: 3 }, 0)).rejects.toThrow(CUSTOM_DATA_CONFLICT);
    expect(await readCustomData()).toEqual({ data: { a: 2 }, version: 2 });
  });

  it("concurrent read-modify-write hooks that retry on conflict never lose an update", async () => {
    await install(
      "memberships",
      `function (ctx, callback) {
        function attempt(left) {
          return ctx.read().then(function (data) {
            data.count = (data.count || 0) + 1;
            return ctx.write(data);
          }).catch(function (error) { if (left > 0) return attempt(left - 1); throw error; });
        }
        attempt(30).then(function () { callback(null, []); }, callback);
      }`,
    );
    await Promise.all(Array.from({ length: 6 }, () => getMembershipOptions(admins.ian)));
    expect((await readCustomData()).data).toEqual({ count: 6 });
  });

  it("ctx.global is an object a hook may use as a cache within its run", async () => {
    await install("memberships", "function (ctx, callback) { ctx.global.departments = ['IT']; callback(null, ctx.global.departments); }");
    expect((await getMembershipOptions(admins.ian)).memberships).toEqual(["IT"]);
  });
});
