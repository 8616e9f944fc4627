import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { jsonChanges, objectChanges } from "@/lib/audit/changes";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { updateDeliverySettings } from "@/lib/webhooks/delivery-settings";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/* Issue 13: every change of a user records the values before and after of what it changed; secrets only as changed. */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 5);
});

const lastAudit = (userId: string) =>
  db().prisma.auditLog.findFirstOrThrow({ where: { targetUserId: userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });

describe("jsonChanges", () => {
  it("names each changed path of nested objects, with no side for a key added or removed", () => {
    expect(
      jsonChanges("user_metadata", { address: { city: "Oslo", zip: "0150" }, tags: ["a"], old: 1 }, { address: { city: "Bergen", zip: "0150" }, tags: ["a", "b"], new: null }),
    ).toEqual([
      { field: "user_metadata.address.city", from: "Oslo", to: "Bergen" },
      { field: "user_metadata.new", to: null },
      { field: "user_metadata.old", from: 1 },
      { field: "user_metadata.tags", from: ["a"], to: ["a", "b"] },
    ]);
  });

  it("records nothing for equal values, whatever the key order", () => {
    expect(jsonChanges("app_metadata", { a: 1, b: { c: [1, { d: 2 }] } }, { b: { c: [1, { d: 2 }] }, a: 1 })).toEqual([]);
  });

  it("records only that a secret-looking key changed, never its values, nested ones included", () => {
    expect(jsonChanges("app_metadata", { sso: { clientSecret: "s1" }, apiToken: "t1" }, { sso: { clientSecret: "s2" }, apiToken: "t1" })).toEqual([
      { field: "app_metadata.sso.clientSecret", changed: true },
    ]);
    expect(jsonChanges("user_metadata", { recovery: { hint: "a" } }, { recovery: { hint: "b", password: "p", hash: "h" } })).toEqual([
      { field: "user_metadata.recovery.hash", changed: true },
      { field: "user_metadata.recovery.hint", from: "a", to: "b" },
      { field: "user_metadata.recovery.password", changed: true },
    ]);
  });
});

describe("objectChanges", () => {
  it("records the named keys of a configuration object, the secret ones only as changed", () => {
    const before = { url: "https://a.example/hook", headers: { "X-Token": "t1" }, basicAuthPassword: "p1", enabled: true, description: "same" };
    const after = { url: "https://b.example/hook", headers: { "X-Token": "t2" }, basicAuthPassword: "p2", enabled: true, description: "same" };
    expect(objectChanges(before, after, ["url", "headers", "basicAuthPassword", "enabled", "description"], ["headers", "basicAuthPassword"])).toEqual([
      { field: "url", from: "https://a.example/hook", to: "https://b.example/hook" },
      { field: "headers", changed: true },
      { field: "basicAuthPassword", changed: true },
    ]);
    expect(objectChanges(before, { ...before }, ["headers"], ["headers"])).toEqual([]);
  });
});

describe("the audit entries of configuration changes", () => {
  it("records the delivery settings before and after, a reset as a removed value", async () => {
    await updateDeliverySettings(admins.ian, { retrySchedule: ["0", "1m"], disableAfter: "1d" });
    await updateDeliverySettings(admins.ian, { retrySchedule: null, disableAfter: "2d" });
    const entry = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "delivery.settings" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect((entry.details as { changes: unknown }).changes).toEqual([
      { field: "retrySchedule", from: ["0", "1m"] },
      { field: "disableAfter", from: "1d", to: "2d" },
    ]);
  });
});

describe("the audit entries of user changes", () => {
  it("records the email, name and metadata before and after, and the password only as changed", async () => {
    const user = await createUser(
      admins.ian,
      createUserSchema.parse({ email: "diff.before@example.com", password: "Original-pass-1", connection: DEMO_CONNECTION, memberships: ["Finance"], name: "Before" }),
    );
    const created = await lastAudit(user.user_id);
    expect((created.details as { changes: unknown[] }).changes).toEqual(
      expect.arrayContaining([{ field: "email", to: "diff.before@example.com" }, { field: "name", to: "Before" }, { field: "password", changed: true }]),
    );

    await updateUser(
      admins.ian,
      user.user_id,
      updateUserSchema.parse({ email: "diff.after@example.com", name: "After", password: "Changed-pass-22", app_metadata: { plan: "gold" } }),
    );
    const entry = await lastAudit(user.user_id);
    const changes = (entry.details as { changes: unknown[] }).changes;
    expect(changes).toEqual([
      { field: "email", from: "diff.before@example.com", to: "diff.after@example.com" },
      { field: "name", from: "Before", to: "After" },
      { field: "app_metadata.memberships", from: ["Finance"] },
      { field: "app_metadata.plan", to: "gold" },
      { field: "password", changed: true },
      { field: "password_change_required", to: false },
    ]);
    const text = JSON.stringify(entry);
    expect(text).not.toContain("Changed-pass-22");
    expect(text).not.toContain("argon2");
  });
});
