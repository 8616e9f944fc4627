import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { listAuditActions, listAuditLog, listUserAuditEntries } from "@/lib/audit/list-audit";
import { clearAllMemos } from "@/lib/cache/memo";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { listAuditSchema } from "@/lib/schemas/audit";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import type { UserProfile } from "@/lib/users/profile";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 13: a department admin (User role: Kelly, Finance) reads the log entries about the users she may
 * see and her own actions, scoped as the users list, and never configuration changes made by others, even
 * when no Filter Hook restricts her.
 */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let fay: UserProfile;
let ivy: UserProfile;

const list = (actor: Actor) => listAuditLog(actor, listAuditSchema.parse({}));
const summary = (page: Awaited<ReturnType<typeof list>>) => page.entries.map((e) => `${e.actorEmail} ${e.action} ${e.targetEmail ?? "-"}`);

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  const make = (email: string, membership: string) =>
    createUser(admins.ian, createUserSchema.parse({ email, password: "Scope-trail-pass-1", connection: DEMO_CONNECTION, memberships: [membership] }));
  // Entries a few milliseconds apart, so that "newest first" is one order.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
  fay = await make("fay.finance@example.com", "Finance");
  await pause();
  ivy = await make("ivy.it@example.com", "IT");
  await pause();
  // No Access Hook yet: Kelly may change an IT user; her own action stays hers to read later.
  await updateUser(admins.kelly, ivy.user_id, updateUserSchema.parse({ name: "Ivy (renamed by Kelly)" }));
  await pause();
  await updateUser(admins.kelly, fay.user_id, updateUserSchema.parse({ name: "Fay (renamed by Kelly)" }));
  await pause();
  await saveHook(admins.ian, { kind: "post_registration", code: "function (user, context, callback) { callback(); }", enabled: true, timeoutMs: 1_000 });
});

describe("a User-role admin's logs", () => {
  it("without a Filter Hook: entries about every user she sees and her own, never another admin's configuration change", async () => {
    const kellys = await list(admins.kelly);
    expect(summary(kellys)).toEqual([
      "kelly@example.com user.update fay.finance@example.com",
      "kelly@example.com user.update ivy.it@example.com",
      "ian@example.com user.create ivy.it@example.com",
      "ian@example.com user.create fay.finance@example.com",
    ]);
    expect(kellys.total).toBe(4);
    expect(await listAuditActions(admins.kelly)).toEqual(["user.create", "user.update"]);
    // An Operator, whom the Filter Hook does not restrict either, reads the configuration change too.
    expect((await list(admins.olga)).entries.map((e) => e.action)).toContain("hook.save");
  });

  it("with the demo Filter Hook: only Finance users' entries, and her own action on an IT user she no longer sees", async () => {
    await saveHook(admins.ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 1_000 });
    try {
      const kellys = await list(admins.kelly);
      expect(summary(kellys)).toEqual([
        "kelly@example.com user.update fay.finance@example.com",
        "kelly@example.com user.update ivy.it@example.com",
        "ian@example.com user.create fay.finance@example.com",
      ]);
      expect(kellys.total).toBe(3);
      // The user page's log view of a Finance user is open to her.
      const view = await listUserAuditEntries(admins.kelly, fay);
      expect(view.allowed && view.entries.map((e) => e.action)).toEqual(["user.update", "user.create"]);
    } finally {
      await db().prisma.hookVersion.deleteMany({ where: { kind: "filter" } });
      await db().prisma.hook.deleteMany({ where: { kind: "filter" } });
      clearAllMemos();
    }
  });
});
