import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { listAuditActions, listAuditLog, listUserAuditEntries } from "@/lib/audit/list-audit";
import { listAuditSchema } from "@/lib/schemas/audit";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import type { UserProfile } from "@/lib/users/profile";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let alice: UserProfile;
let bob: UserProfile;

const PASSWORD = "Audit-trail-pass-1";

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  const make = (actor: Actor, email: string) =>
    createUser(actor, createUserSchema.parse({ email, password: PASSWORD, connection: DEMO_CONNECTION }));
  // Entries are timestamped to the millisecond: a pause keeps their order unambiguous.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
  alice = await make(admins.kelly, "alice@example.com");
  await pause();
  bob = await make(admins.olga, "bob@example.com");
  await pause();
  await updateUser(admins.kelly, alice.user_id, updateUserSchema.parse({ name: "Alice A" }));
  await pause();
  await updateUser(admins.ian, bob.user_id, updateUserSchema.parse({ blocked: true }));
  await pause();
  await deleteUser(admins.aud, bob.user_id).catch(() => undefined);
  await pause();
  await updateUser(admins.olga, alice.user_id, updateUserSchema.parse({ password: PASSWORD + "x" }));
});

const list = (actor: Actor, query: Record<string, unknown> = {}) => listAuditLog(actor, listAuditSchema.parse(query));

describe("listAuditLog", () => {
  it("lists every change, newest first, for Operators, Administrators and Auditors", async () => {
    for (const actor of [admins.olga, admins.ian, admins.aud]) {
      const page = await list(actor);
      expect(page.total).toBe(6);
      expect(page.entries.map((e) => e.action)).toEqual([
        "user.change_password",
        "user.delete",
        "user.block",
        "user.update",
        "user.create",
        "user.create",
      ]);
    }
  });

  it("lists a User-role admin the entries about the users she sees: here all six (no Filter Hook, no configuration change)", async () => {
    // Which entries she does not read is tests/audit/user-role-logs.test.ts.
    expect((await list(admins.kelly)).total).toBe(6);
  });

  it("records who, what, which user, from where and the outcome, with the refusal's message", async () => {
    const refused = (await list(admins.aud, { result: "failure" })).entries;
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      action: "user.delete",
      actorEmail: "aud@example.com",
      actorId: admins.aud.id,
      targetUserId: bob.user_id,
      ipAddress: "127.0.0.1",
      userAgent: "vitest",
      channel: "console",
      result: "failure",
      errorMessage: "Your role does not allow changing users.",
    });
  });

  it("never records a password", async () => {
    const rows = await db().prisma.auditLog.findMany();
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });

  it("filters by actor email (substring, any case), action, user and result", async () => {
    expect((await list(admins.aud, { actor: "KELLY" })).entries.map((e) => e.action)).toEqual(["user.update", "user.create"]);
    expect((await list(admins.aud, { action: "user.create" })).entries.map((e) => e.targetEmail).sort()).toEqual([
      "alice@example.com",
      "bob@example.com",
    ]);
    expect((await list(admins.aud, { user_id: bob.user_id })).entries.map((e) => e.action)).toEqual([
      "user.delete",
      "user.block",
      "user.create",
    ]);
    expect((await list(admins.aud, { user_id: bob.user_id, result: "success" })).total).toBe(2);
    expect((await list(admins.aud, { actor: "ian", action: "user.create" })).total).toBe(0);
  });

  it("treats empty filters from a form as no filter", async () => {
    expect((await list(admins.aud, { actor: "", action: " ", user_id: "", result: "" })).total).toBe(6);
  });

  it("refuses malformed filters", () => {
    for (const query of [{ user_id: "bob" }, { result: "maybe" }, { per_page: 5 }, { page: 0 }]) {
      expect(listAuditSchema.safeParse(query).success).toBe(false);
    }
  });

  it("paginates with a stable order", async () => {
    const all = (await list(admins.aud, { per_page: 100 })).entries.map((e) => e.id);
    const first = await list(admins.aud, { per_page: 10, page: 1 });
    expect(first).toMatchObject({ total: 6, page: 1, per_page: 10 });
    expect(first.entries.map((e) => e.id)).toEqual(all);
    expect((await list(admins.aud, { per_page: 10, page: 2 })).entries).toEqual([]);
  });

  it("lists the distinct actions for the filter", async () => {
    expect(await listAuditActions(admins.aud)).toEqual([
      "user.block",
      "user.change_password",
      "user.create",
      "user.delete",
      "user.update",
    ]);
    expect(await listAuditActions(admins.kelly)).toEqual(["user.block", "user.change_password", "user.create", "user.delete", "user.update"]);
  });
});

describe("listUserAuditEntries", () => {
  it("shows the entries about one user to anyone who may read users, including User-role admins", async () => {
    const view = await listUserAuditEntries(admins.kelly, alice);
    expect(view.allowed && view.entries.map((e) => [e.action, e.actorEmail])).toEqual([
      ["user.change_password", "olga@example.com"],
      ["user.update", "kelly@example.com"],
      ["user.create", "kelly@example.com"],
    ]);
  });

  it("limits the number of entries", async () => {
    const view = await listUserAuditEntries(admins.aud, alice, 1);
    expect(view.allowed && view.entries).toHaveLength(1);
  });
});
