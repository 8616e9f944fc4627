import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as restoreRoute from "@/app/api/v2/users/[id]/restore/route";
import * as userRoute from "@/app/api/v2/users/[id]/route";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import { clearAllMemos } from "@/lib/cache/memo";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { DomainError } from "@/lib/errors";
import { signInUser, WRONG_CREDENTIALS } from "@/lib/oidc/user-sign-in";
import { pruneExpiredRows } from "@/lib/retention/prune";
import { createUserSchema, listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { listDeletedUsers, restoreUser } from "@/lib/users/deleted-users";
import { getUser } from "@/lib/users/get-user";
import { listUsers } from "@/lib/users/list-users";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor } from "../api/api-client";

/* Issue 13, "Undo the worst mistake": a delete is restorable for the window, then purged; its audit stays. */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const DAY = 86_400_000;
const PASSWORD = "Restore-me-pass-1";
const APP = { clientId: "restore-test", allowed_connections: [], allowed_memberships: [] };
const REQUEST = { ipAddress: "203.0.113.7", userAgent: "vitest" };

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 5);
});

const make = (email: string, extra: Record<string, unknown> = {}) =>
  createUser(admins.ian, createUserSchema.parse({ email, password: PASSWORD, connection: DEMO_CONNECTION, ...extra }));
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);
const page = { page: 1, per_page: 50 };
const deletedAt = async (id: string) => (await db().prisma.deletedUser.findUniqueOrThrow({ where: { id } })).deletedAt.getTime();

describe("deleting and restoring a user", () => {
  it("restores every property, metadata and membership; between the two the user is a 404 everywhere", async () => {
    const user = await make("restore.me@example.com", {
      memberships: ["Finance", "IT"],
      name: "Re Store",
      user_metadata: { address: { city: "Oslo" } },
      app_metadata: { plan: "gold" },
    });
    await deleteUser(admins.ian, user.user_id);

    expect((await failure(getUser(admins.ian, user.user_id))).status).toBe(404);
    expect((await listUsers(admins.ian, listUsersSchema.parse({ search: "restore.me" }))).users).toEqual([]);
    expect(await signInUser({ login: "restore.me@example.com", password: PASSWORD }, APP, REQUEST)).toEqual({ outcome: "refused", message: WRONG_CREDENTIALS });
    expect((await listDeletedUsers(admins.ian, page)).users).toContainEqual(
      expect.objectContaining({ user_id: user.user_id, email: "restore.me@example.com", connection: DEMO_CONNECTION, deleted_by: "ian@example.com" }),
    );

    const restored = await restoreUser(admins.ian, user.user_id);
    const { updated_at: _before, ...unchanged } = user;
    expect(restored).toMatchObject(unchanged);
    expect(restored.app_metadata).toEqual({ memberships: ["Finance", "IT"], plan: "gold" });
    expect(await getUser(admins.ian, user.user_id)).toMatchObject(unchanged);
    expect(await signInUser({ login: "restore.me@example.com", password: PASSWORD }, APP, REQUEST)).toMatchObject({ outcome: "signed_in" });
    expect((await listDeletedUsers(admins.ian, page)).users.map((found) => found.user_id)).not.toContain(user.user_id);

    const events = await db().prisma.event.findMany({ where: { type: { in: ["user.delete.complete", "user.restore.complete"] } }, orderBy: { createdAt: "asc" } });
    expect(events.filter((event) => JSON.stringify(event.payload).includes(user.user_id)).map((event) => event.type)).toEqual([
      "user.delete.complete",
      "user.restore.complete",
    ]);
    const actions = await db().prisma.auditLog.findMany({ where: { targetUserId: user.user_id }, orderBy: { createdAt: "asc" } });
    expect(actions.map((entry) => entry.action)).toEqual(["user.create", "user.delete", "user.restore", "user.login"]);
  });

  it("ends the user's console sessions for good: the restored user has a new session generation", async () => {
    const user = await make("restore.sessions@example.com");
    const before = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    await deleteUser(admins.ian, user.user_id);
    await restoreUser(admins.ian, user.user_id);
    const after = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(after.sessionGeneration).toBe(before.sessionGeneration + 1);
  });

  it("is for Administrators: an Operator and a department admin get 403 for the list and the restore", async () => {
    const user = await make("restore.forbidden@example.com", { memberships: ["Finance"] });
    await deleteUser(admins.ian, user.user_id);
    for (const admin of [admins.olga, admins.kelly]) {
      expect((await failure(listDeletedUsers(admin, page))).status).toBe(403);
      expect((await failure(restoreUser(admin, user.user_id))).status).toBe(403);
    }
    expect(await db().prisma.deletedUser.count({ where: { id: user.user_id } })).toBe(1);
  });

  it("frees the email for a new user, and then refuses the restore with a 409 that says why", async () => {
    const user = await make("restore.taken@example.com");
    await deleteUser(admins.ian, user.user_id);
    await make("restore.taken@example.com");
    const error = await failure(restoreUser(admins.ian, user.user_id));
    expect(error).toMatchObject({
      status: 409,
      message: "Another user of the same connection now has this email, so the deleted user cannot be restored: change or delete that user first.",
    });
    expect(await db().prisma.deletedUser.count({ where: { id: user.user_id } })).toBe(1);
  });

  it("is a 404 for a user that was never deleted or an id that is not one", async () => {
    expect((await failure(restoreUser(admins.ian, admins.kelly.id))).status).toBe(404);
    expect((await failure(restoreUser(admins.ian, "not-a-uuid"))).status).toBe(404);
  });
});

describe("an Administrator restricted by the Filter Hook", () => {
  afterAll(async () => {
    await db().prisma.hookVersion.deleteMany({ where: { kind: "filter" } });
    await db().prisma.hook.deleteMany({ where: { kind: "filter" } });
    clearAllMemos();
  });

  it("sees and restores only the deleted users the hook lets them see, judged on the row as deleted", async () => {
    const salesAdmin = await make("sales.administrator@example.com", { app_metadata: { roles: [ROLES.administrator], department: "Sales" } });
    const sales = await make("restore.sales@example.com", { memberships: ["Sales"] });
    const finance = await make("restore.finance@example.com", { memberships: ["Finance"] });
    await deleteUser(admins.ian, sales.user_id);
    await deleteUser(admins.ian, finance.user_id);
    await saveHook(admins.ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 1_000 });
    const sam = await loadActor(salesAdmin.user_id, "console");

    const listed = (await listDeletedUsers(sam, page)).users.map((found) => found.email);
    expect(listed).toContain("restore.sales@example.com");
    expect(listed).not.toContain("restore.finance@example.com");
    expect((await failure(restoreUser(sam, finance.user_id))).status).toBe(404);
    expect(await db().prisma.deletedUser.count({ where: { id: finance.user_id } })).toBe(1);
    expect((await restoreUser(sam, sales.user_id)).email).toBe("restore.sales@example.com");
  });
});

describe("POST /api/v2/users/{id}/restore", () => {
  it("brings back a user the API deleted: GET is a 404 in between, 200 after; a second restore is a 404, an Auditor's a 403", async () => {
    const ian = await tokenFor(admins.ian, admins.ian);
    const aud = await tokenFor(admins.aud, admins.ian);
    const user = await make("restore.api@example.com", { memberships: ["Sales"] });
    expect((await call(userRoute.DELETE, "DELETE", { token: ian, id: user.user_id })).status).toBe(204);
    expect((await call(userRoute.GET, "GET", { token: ian, id: user.user_id })).status).toBe(404);
    expect((await call(restoreRoute.POST, "POST", { token: aud, id: user.user_id })).status).toBe(403);
    const restored = await call(restoreRoute.POST, "POST", { token: ian, id: user.user_id });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ user_id: user.user_id, email: "restore.api@example.com", app_metadata: { memberships: ["Sales"] } });
    expect((await call(userRoute.GET, "GET", { token: ian, id: user.user_id })).status).toBe(200);
    const again = await call(restoreRoute.POST, "POST", { token: ian, id: user.user_id });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe("There is no deleted user with this id to restore (or its restore window has ended).");
  });
});

describe("the restore window", () => {
  it("restores up to the last moment of the window and not after it", async () => {
    const user = await make("restore.window@example.com");
    await deleteUser(admins.ian, user.user_id);
    const at = await deletedAt(user.user_id);
    const late = await failure(restoreUser(admins.ian, user.user_id, { now: new Date(at + 30 * DAY + 1) }));
    expect(late).toMatchObject({ status: 404, message: "There is no deleted user with this id to restore (or its restore window has ended)." });
    expect((await listDeletedUsers(admins.ian, page, { now: new Date(at + 30 * DAY + 1) })).users.map((found) => found.user_id)).not.toContain(user.user_id);
    await restoreUser(admins.ian, user.user_id, { now: new Date(at + 30 * DAY) });
    expect((await getUser(admins.ian, user.user_id)).email).toBe("restore.window@example.com");
  });

  it("purges after the window, keeps the user's audit entries and records the purge", async () => {
    const user = await make("restore.purged@example.com");
    await deleteUser(admins.ian, user.user_id);
    const at = await deletedAt(user.user_id);
    const settings = { auditDays: 0, hookExecutionsDays: 0, eventsDays: 0, mailDays: 0, signInThrottlesDays: 0, deletedUsersDays: 30, jobsDays: 0 };

    await pruneExpiredRows(db().prisma, settings, { now: new Date(at + 30 * DAY) });
    expect(await db().prisma.deletedUser.count({ where: { id: user.user_id } })).toBe(1);
    await pruneExpiredRows(db().prisma, settings, { now: new Date(at + 30 * DAY + 1) });
    expect(await db().prisma.deletedUser.count({ where: { id: user.user_id } })).toBe(0);

    const actions = await db().prisma.auditLog.findMany({ where: { targetUserId: user.user_id }, orderBy: { createdAt: "asc" } });
    expect(actions.map((entry) => [entry.action, entry.channel, entry.targetEmail])).toEqual([
      ["user.create", "console", "restore.purged@example.com"],
      ["user.delete", "console", "restore.purged@example.com"],
      ["user.purge", "system", "restore.purged@example.com"],
    ]);
    expect((await failure(restoreUser(admins.ian, user.user_id))).status).toBe(404);
  });
});
