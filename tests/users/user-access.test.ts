import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { listUserAuditEntries } from "@/lib/audit/list-audit";
import { clearAllMemos } from "@/lib/cache/memo";
import type { DomainError } from "@/lib/errors";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { createUserSchema, listUsersSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { getUser } from "@/lib/users/get-user";
import { listUsers } from "@/lib/users/list-users";
import type { UserProfile } from "@/lib/users/profile";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/**
 * The user-level access check (lib/users/access.ts): the Access Hook is asked with the right action for
 * each operation, and a hook that fails in any way (throws, times out, runs out of memory) denies.
 */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let subject: UserProfile;
let serial = 0;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

// 10 s, the most a hook may have, unless a test is about the limit: a loaded machine is slow, never wrong.
async function installAccessHook(code: string | null, timeoutMs = 10_000) {
  await db().prisma.hookVersion.deleteMany({ where: { kind: "access" } });
  await db().prisma.hook.deleteMany({ where: { kind: "access" } });
  clearAllMemos();
  if (code) await saveHook(admins.ian, { kind: "access", code, enabled: true, timeoutMs });
}

beforeEach(async () => {
  await installAccessHook(null);
  subject = await createUser(
    admins.ian,
    createUserSchema.parse({ email: `access${++serial}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["HR"] }),
  );
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a refusal"),
    (error: DomainError) => error,
  );
/** Refuses every action, naming it: the refusal's message is the action the hook was asked about. */
const NAME_THE_ACTION = "function (ctx, cb) { cb(new Error('asked ' + ctx.payload.action + ' for ' + ctx.payload.user.email)); }";
const update = (changes: Record<string, unknown>) => updateUser(admins.ian, subject.user_id, updateUserSchema.parse(changes));

describe("the Access Hook's action name", () => {
  it.each([
    ["read:user", () => getUser(admins.ian, subject.user_id)],
    ["delete:user", () => deleteUser(admins.ian, subject.user_id)],
    ["change:profile", () => update({ name: "New Name" })],
    ["change:profile", () => update({ user_metadata: { a: 1 } })],
    ["change:profile", () => update({ memberships: ["IT"] })],
    ["change:email", () => update({ email: "changed@example.com" })],
    ["change:username", () => update({ username: "changed" })],
    ["change:password", () => update({ password: "Changed-pass-1" })],
    ["block:user", () => update({ blocked: true })],
    ["unblock:user", () => update({ blocked: false })],
    ["verify:email", () => update({ email_verified: true })],
  ] as const)("is %s for the operation, and its refusal is a 403 with the hook's message", async (action, operation) => {
    await installAccessHook(NAME_THE_ACTION);
    const error = await refusal(operation());
    expect(error.status).toBe(403);
    expect(error.message).toBe(`asked ${action} for ${subject.email}`);
    expect(await db().prisma.user.findUniqueOrThrow({ where: { id: subject.user_id } })).toMatchObject({
      email: subject.email,
      name: null,
      blocked: false,
      username: null,
    });
  });

  it("is read:logs for a user's log entries, whose refusal hides them with the hook's message", async () => {
    await installAccessHook(NAME_THE_ACTION);
    expect(await listUserAuditEntries(admins.ian, subject)).toEqual({ allowed: false, message: `asked read:logs for ${subject.email}` });
  });

  it("asks for every action of a change of several fields: one denied action refuses the whole change", async () => {
    await installAccessHook("function (ctx, cb) { cb(ctx.payload.action === 'change:email' ? new Error('no email change') : null); }");
    const error = await refusal(update({ name: "Allowed", email: "denied@example.com" }));
    expect(error.message).toBe("no email change");
    expect(await db().prisma.user.findUniqueOrThrow({ where: { id: subject.user_id } })).toMatchObject({ name: null, email: subject.email });
    // Each of the allowed actions alone goes through.
    await expect(update({ name: "Allowed" })).resolves.toMatchObject({ name: "Allowed" });
    await expect(update({ blocked: true })).resolves.toMatchObject({ blocked: true });
  });

  it("lets block through and refuses unblock when the hook says so (not the same action)", async () => {
    await installAccessHook("function (ctx, cb) { cb(ctx.payload.action === 'unblock:user' ? new Error('stay blocked') : null); }");
    await expect(update({ blocked: true })).resolves.toMatchObject({ blocked: true });
    expect((await refusal(update({ blocked: false }))).message).toBe("stay blocked");
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: subject.user_id } })).blocked).toBe(true);
  });

  it("is not asked when the role already refuses, and without a hook the role alone decides", async () => {
    await installAccessHook(NAME_THE_ACTION);
    const byRole = await refusal(updateUser(admins.aud, subject.user_id, { name: "By auditor" }));
    expect(byRole.status).toBe(403);
    expect(byRole.message).not.toMatch(/^asked/);
    await installAccessHook(null);
    await expect(getUser(admins.aud, subject.user_id)).resolves.toMatchObject({ email: subject.email });
    await expect(update({ name: "No hook" })).resolves.toMatchObject({ name: "No hook" });
  });
});

describe("the Access Hook fails closed", () => {
  it.each([
    ["throws", "function (ctx, cb) { throw new Error('hook bug'); }", 10_000, /hook bug/],
    ["loops past its time limit", "function (ctx, cb) { while (true) {} }", 200, /^Access Hook did not finish within 200 ms\.$/],
    ["never calls back", "function (ctx, cb) { }", 200, /^Access Hook did not finish within 200 ms\.$/],
    ["runs out of memory", "function (ctx, cb) { var a = []; while (true) a.push(new Array(1e6).fill(1)); }", 10_000, /^Access Hook ran out of memory/],
  ] as const)("denies when the hook %s: no read, no change, no row in the list", async (_, code, timeoutMs, message) => {
    await installAccessHook(code, timeoutMs);
    const read = await refusal(getUser(admins.ian, subject.user_id));
    expect(read.status).toBe(403);
    expect(read.message).toMatch(message);
    expect((await refusal(update({ name: "Changed" }))).status).toBe(403);
    expect((await refusal(deleteUser(admins.ian, subject.user_id))).status).toBe(403);
    const row = await db().prisma.user.findUniqueOrThrow({ where: { id: subject.user_id } });
    expect(row.name).toBeNull();
    const page = await listUsers(admins.ian, listUsersSchema.parse({ search: subject.email }));
    expect(page).toMatchObject({ users: [], hidden: 1, total: 1 });
  });

  it("allows when the hook calls back with nothing, and with null", async () => {
    for (const code of ["function (ctx, cb) { cb(); }", "function (ctx, cb) { cb(null); }"]) {
      await installAccessHook(code);
      await expect(getUser(admins.ian, subject.user_id)).resolves.toMatchObject({ user_id: subject.user_id });
    }
  });
});

describe("the built-in rule on admins' accounts", () => {
  it("lets a lesser admin read an Administrator but not change them; they may change their own account", async () => {
    await expect(getUser(admins.kelly, admins.ian.id)).resolves.toMatchObject({ email: "ian@example.com" });
    const error = await refusal(updateUser(admins.kelly, admins.ian.id, { name: "Taken over" }));
    expect(error).toMatchObject({ status: 403, message: "Only Administrators can change the accounts of other admins." });
    await expect(updateUser(admins.kelly, admins.kelly.id, { name: "Kelly F." })).resolves.toMatchObject({ name: "Kelly F." });
    await expect(updateUser(admins.kelly, subject.user_id, { name: "Plain user" })).resolves.toMatchObject({ name: "Plain user" });
  });

  it("lets an Administrator change another admin's account", async () => {
    await expect(updateUser(admins.ian, admins.olga.id, { name: "Olga S." })).resolves.toMatchObject({ name: "Olga S." });
    const error = await refusal(updateUser(admins.olga, admins.kelly.id, { name: "Taken over" }));
    expect(error).toMatchObject({ status: 403, message: "Only Administrators can change the accounts of other admins." });
  });

  it("lets whoever may read users read a user's log, an admin's too, without users:write", async () => {
    const ian = await getUser(admins.ian, admins.ian.id);
    expect(await listUserAuditEntries(admins.aud, subject)).toMatchObject({ allowed: true });
    expect(await listUserAuditEntries(admins.kelly, ian)).toMatchObject({ allowed: true });
    expect(await listUserAuditEntries(admins.aud, ian)).toMatchObject({ allowed: true });
    const error = await refusal(updateUser(admins.aud, subject.user_id, { name: "By auditor" }));
    expect(error).toMatchObject({ status: 403, message: "Your role does not allow changing users." });
  });
});
