import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { listAuditActions, listAuditLog, listUserAuditEntries } from "@/lib/audit/list-audit";
import { clearAllMemos } from "@/lib/cache/memo";
import { DomainError } from "@/lib/errors";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { listAuditSchema } from "@/lib/schemas/audit";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import type { UserProfile } from "@/lib/users/profile";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 7 item 7: `read:logs` and the logs page's scoping. Olga (Sales Operator) sees, under the demo
 * Filter Hook, only users of Sales: in the log, only entries about them and her own actions.
 */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let sales: UserProfile;
let it_: UserProfile;
let finance: UserProfile;

const ACCESS_HOOK_DENYING_FINANCE_LOGS = `function (ctx, callback) {
  var memberships = (ctx.payload.user.app_metadata || {}).memberships || [];
  if (ctx.payload.action === 'read:logs' && memberships.indexOf('Finance') !== -1) {
    return callback(new Error('Finance logs are confidential.'));
  }
  return callback();
}`;

const list = (actor: Actor, query: Record<string, unknown> = {}) => listAuditLog(actor, listAuditSchema.parse(query));
const summary = (page: Awaited<ReturnType<typeof list>>) => page.entries.map((e) => `${e.actorEmail} ${e.action} ${e.targetEmail ?? "-"}`);

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  const make = (email: string, membership: string) =>
    createUser(admins.ian, createUserSchema.parse({ email, password: "Scope-trail-pass-1", connection: DEMO_CONNECTION, memberships: [membership] }));
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
  sales = await make("sam.sales@example.com", "Sales");
  await pause();
  it_ = await make("ivy.it@example.com", "IT");
  await pause();
  finance = await make("fay.finance@example.com", "Finance");
  await pause();
  const gone = await make("gil.sales@example.com", "Sales");
  await pause();
  await updateUser(admins.olga, it_.user_id, updateUserSchema.parse({ name: "Ivy (renamed by Olga)" }));
  await pause();
  await updateUser(admins.ian, finance.user_id, updateUserSchema.parse({ blocked: true }));
  await pause();
  await deleteUser(admins.ian, gone.user_id);
  await pause();
  await saveHook(admins.ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 1_000 });
});

describe("the logs page under the Filter Hook", () => {
  it("shows a scoped admin only entries about users she may see plus her own actions, rows and total alike", async () => {
    const page = await list(admins.olga);
    expect(summary(page)).toEqual([
      "olga@example.com user.update ivy.it@example.com",
      "ian@example.com user.create sam.sales@example.com",
    ]);
    expect(page.total).toBe(2);
    // Paged at the smallest size, the second page is empty and the total still 2.
    expect(await list(admins.olga, { per_page: 10, page: 2 })).toMatchObject({ entries: [], total: 2 });
  });

  it("shows an admin the Filter Hook does not restrict (IT, Auditor) every entry", async () => {
    for (const actor of [admins.ian, admins.aud]) {
      const page = await list(actor);
      expect(page.total).toBe(8);
      expect(page.entries.map((e) => e.action)).toEqual([
        "hook.save",
        "user.delete",
        "user.block",
        "user.update",
        "user.create",
        "user.create",
        "user.create",
        "user.create",
      ]);
    }
  });

  it("keeps the scope when filtering: by user, action and actor", async () => {
    expect((await list(admins.olga, { user_id: finance.user_id })).total).toBe(0);
    expect(summary(await list(admins.olga, { user_id: it_.user_id }))).toEqual(["olga@example.com user.update ivy.it@example.com"]);
    expect((await list(admins.olga, { action: "user.create" })).total).toBe(1);
    expect((await list(admins.olga, { actor: "IAN" })).total).toBe(1);
    expect((await list(admins.aud, { actor: "IAN", action: "user.create" })).total).toBe(4);
  });

  it("treats LIKE wildcards in the actor filter as text", async () => {
    expect((await list(admins.aud, { actor: "%" })).total).toBe(0);
    expect((await list(admins.aud, { actor: "_an@" })).total).toBe(0);
  });

  it("lists only the actions of the entries the admin may read", async () => {
    expect(await listAuditActions(admins.olga)).toEqual(["user.create", "user.update"]);
    expect(await listAuditActions(admins.aud)).toEqual(["hook.save", "user.block", "user.create", "user.delete", "user.update"]);
  });
});

describe("read:logs through the Access Hook", () => {
  let installedAt: Date;
  const denyFinanceLogs = () => saveHook(admins.ian, { kind: "access", code: ACCESS_HOOK_DENYING_FINANCE_LOGS, enabled: true, timeoutMs: 1_000 });
  beforeAll(async () => {
    installedAt = new Date();
    await denyFinanceLogs();
  });
  // The Access Hook and the audit entries of its saves are this block's own: the other block, in any
  // order, sees the log as beforeAll made it.
  afterAll(async () => {
    await db().prisma.hookVersion.deleteMany({ where: { kind: "access" } });
    await db().prisma.hook.deleteMany({ where: { kind: "access" } });
    await db().prisma.auditLog.deleteMany({ where: { action: "hook.save", createdAt: { gte: installedAt } } });
    clearAllMemos();
  });

  it("hides a user's page entries when the hook refuses read:logs, with its message", async () => {
    expect(await listUserAuditEntries(admins.kelly, finance)).toEqual({ allowed: false, message: "Finance logs are confidential." });
    const allowed = await listUserAuditEntries(admins.kelly, sales);
    expect(allowed.allowed && allowed.entries.map((e) => e.action)).toEqual(["user.create"]);
  });

  it("refuses the logs page filtered to a user the hook refuses (403), not another user", async () => {
    const error = await list(admins.ian, { user_id: finance.user_id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).status).toBe(403);
    expect((error as DomainError).message).toBe("Finance logs are confidential.");
    expect((await list(admins.ian, { user_id: sales.user_id })).total).toBe(1);
  });

  it("fails closed when the hook fails", async () => {
    await saveHook(admins.ian, { kind: "access", code: "function (ctx, callback) { throw new Error('hook bug'); }", enabled: true, timeoutMs: 1_000 });
    try {
      const view = await listUserAuditEntries(admins.ian, sales);
      expect(view.allowed).toBe(false);
      await expect(list(admins.aud, { user_id: sales.user_id })).rejects.toMatchObject({ status: 403 });
    } finally {
      await denyFinanceLogs();
    }
  });
});
