import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as userRoute from "@/app/api/v2/users/[id]/route";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import { clearAllMemos } from "@/lib/cache/memo";
import { DomainError } from "@/lib/errors";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { updatePostRegistrationSettings } from "@/lib/hooks/post-registration-settings";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { getVersionedUser } from "@/lib/users/get-user";
import { updateUser } from "@/lib/users/update-user";
import { versionsFromIfMatch } from "@/lib/users/user-version";
import { call, tokenFor } from "../api/api-client";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 7 item 8: optimistic concurrency on users. Two edits made against one version: exactly one is
 * written, the other is refused as stale (412), whether it notices before its work or only at the write.
 */

// The barrier receiver is on loopback, which the SSRF guard refuses unless it is on the outbound allowlist.
process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let ianToken: string;
/** A second Administrator: only Administrators change roles, and one admin's hooks never hold every hook thread at once. */
let ada: Actor;
let receiver: http.Server;
let barrierUrl: string;
/** Requests to the barrier wait here until the test releases them. */
const held: http.ServerResponse[] = [];
let arrived: () => void = () => {};
const releaseBarrier = () => {
  for (const waiting of held.splice(0)) waiting.writeHead(200, { "content-type": "application/json" }).end("{}");
};

const STALE = /Someone else changed this user after you loaded it.*Reload the page/;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  ianToken = await tokenFor(admins.ian, admins.ian);
  const created = await createUser(
    admins.ian,
    createUserSchema.parse({ email: "ada.admin@example.com", password: "Race-condition-1", connection: DEMO_CONNECTION, app_metadata: { roles: [ROLES.administrator] } }),
  );
  ada = await loadActor(created.user_id, "console", { ipAddress: "127.0.0.1", userAgent: "vitest" });
  receiver = http.createServer((request, response) => {
    request.resume();
    held.push(response);
    arrived();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  barrierUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/barrier`;
  await updatePostRegistrationSettings(admins.ian, { allowedHosts: ["127.0.0.1"] });
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

let serial = 0;
const makeUser = (extra: Record<string, unknown> = {}) =>
  createUser(
    admins.ian,
    createUserSchema.parse({ email: `race${++serial}@example.com`, password: "Race-condition-1", connection: DEMO_CONNECTION, memberships: ["IT"], ...extra }),
  );
const versionOf = async (userId: string) => (await getVersionedUser(admins.ian, userId)).version;
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "written",
    (error: unknown) => (error instanceof DomainError ? `${error.status} ${error.message}` : `unexpected ${String(error)}`),
  );

/**
 * A Write Hook that holds Ian's edit at the barrier (after it has read the user) until the test releases
 * it; anyone else's edit passes at once. Resolves once Ian's edit is at the barrier.
 */
async function holdIansEditAtBarrier(): Promise<() => Promise<void>> {
  clearAllMemos();
  await saveHook(admins.ian, {
    kind: "write",
    code: `function (ctx, callback) {
      if (ctx.request.user.email !== 'ian@example.com') return callback();
      require('axios').get('${barrierUrl}').then(function () { callback(); }, callback);
    }`,
    enabled: true,
    // The barrier answers when the test says so: the long deadline only matters on a loaded machine.
    timeoutMs: 10_000,
  });
  const atBarrier = new Promise<void>((resolve) => (arrived = resolve));
  return () => atBarrier;
}

async function removeWriteHook() {
  await db().prisma.hookVersion.deleteMany({ where: { kind: "write" } });
  await db().prisma.hook.deleteMany({ where: { kind: "write" } });
  clearAllMemos();
}

describe("two edits made against one version", () => {
  // The hook threads give their last free thread only to admins whose hooks are known to be quick
  // (lib/hooks/threads/lanes.ts): the admins racing Ian run a quick Write Hook first, so their edit gets
  // a thread while Ian's waits at the barrier on the other.
  beforeAll(async () => {
    await saveHook(admins.ian, { kind: "write", code: "function (ctx, callback) { callback(); }", enabled: true, timeoutMs: 10_000 });
    const warmUp = await makeUser();
    for (const actor of [admins.ian, admins.olga, ada]) await updateUser(actor, warmUp.user_id, updateUserSchema.parse({ name: actor.email }));
    await removeWriteHook();
  });
  // Creating a user runs the Write Hook too: each test creates its user before the barrier hook is saved.
  afterEach(removeWriteHook);

  it("refuses the edit whose version changed between its read and its write (the UPDATE's WHERE decides)", async () => {
    const user = await makeUser({ name: "Original" });
    const version = await versionOf(user.user_id);
    const iansEditAtBarrier = await holdIansEditAtBarrier();
    const iansEdit = outcome(updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Ian's" }), [version]));
    await iansEditAtBarrier();
    // Ian's edit has read the user at `version` and waits in its Write Hook; Olga's block is written meanwhile.
    expect(await outcome(updateUser(admins.olga, user.user_id, updateUserSchema.parse({ blocked: true }), [version]))).toBe("written");
    releaseBarrier();
    const refused = await iansEdit;
    expect(refused).toMatch(/^412 /);
    expect(refused).toMatch(STALE);
    const stored = await getVersionedUser(admins.ian, user.user_id);
    expect(stored.user).toMatchObject({ name: "Original", blocked: true });
    expect(stored.version).toBe(version + 1);
    // The refusal is audited as a failure of the admin who made it.
    const failures = await db().prisma.auditLog.findMany({ where: { targetUserId: user.user_id, result: "failure" } });
    expect(failures.map((entry) => [entry.actorEmail, entry.errorMessage])).toEqual([["ian@example.com", expect.stringMatching(STALE)]]);
  });

  it("role changes too: of two Administrators changing one admin's roles against one version, the later write is refused", async () => {
    const admin = await makeUser({ app_metadata: { roles: [ROLES.user] } });
    const version = await versionOf(admin.user_id);
    const iansEditAtBarrier = await holdIansEditAtBarrier();
    const toOperator = outcome(updateUser(admins.ian, admin.user_id, updateUserSchema.parse({ app_metadata: { roles: [ROLES.operator] } }), [version]));
    await iansEditAtBarrier();
    const toAuditor = await outcome(updateUser(ada, admin.user_id, updateUserSchema.parse({ app_metadata: { roles: [ROLES.auditor] } }), [version]));
    expect(toAuditor).toBe("written");
    releaseBarrier();
    expect(await toOperator).toMatch(STALE);
    expect((await getVersionedUser(admins.ian, admin.user_id)).user.app_metadata.roles).toEqual([ROLES.auditor]);
  });

  it("without a version both are written, as before (the last one wins)", async () => {
    const user = await makeUser();
    const iansEditAtBarrier = await holdIansEditAtBarrier();
    const iansEdit = outcome(updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Ian's" })));
    await iansEditAtBarrier();
    expect(await outcome(updateUser(admins.olga, user.user_id, updateUserSchema.parse({ name: "Olga's" })))).toBe("written");
    releaseBarrier();
    expect(await iansEdit).toBe("written");
    expect((await getVersionedUser(admins.ian, user.user_id)).user.name).toBe("Ian's");
  });
});

describe("a stale version", () => {
  it("of ten blocks, unblocks and membership changes sent at once against one version, exactly one is written", async () => {
    const user = await makeUser();
    const version = await versionOf(user.user_id);
    const changes = [{ blocked: true }, { blocked: false }, { memberships: ["Sales"] }, { memberships: ["HR"] }, { email_verified: true }];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => outcome(updateUser(admins.ian, user.user_id, updateUserSchema.parse(changes[index % 5]), [version]))),
    );
    expect(results.filter((result) => result === "written")).toHaveLength(1);
    expect(results.filter((result) => STALE.test(result))).toHaveLength(9);
    expect(await versionOf(user.user_id)).toBe(version + 1);
  });

  it("is refused before any work, and the current one is accepted; every write raises the version by one", async () => {
    const user = await makeUser();
    const version = await versionOf(user.user_id);
    await updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Newer" }), [version]);
    expect(await versionOf(user.user_id)).toBe(version + 1);
    await expect(updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Stale" }), [version])).rejects.toMatchObject({
      status: 412,
    });
    await updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Current" }), [version + 1]);
    expect((await getVersionedUser(admins.ian, user.user_id)).user.name).toBe("Current");
  });

  it("refuses a delete, and the user stays", async () => {
    const user = await makeUser();
    const version = await versionOf(user.user_id);
    await updateUser(admins.ian, user.user_id, updateUserSchema.parse({ blocked: true }));
    await expect(deleteUser(admins.ian, user.user_id, [version])).rejects.toMatchObject({ status: 412 });
    expect(await db().prisma.user.count({ where: { id: user.user_id } })).toBe(1);
    await deleteUser(admins.ian, user.user_id, [version + 1]);
    expect(await db().prisma.user.count({ where: { id: user.user_id } })).toBe(0);
  });
});

describe("If-Match", () => {
  it("reads strong tags only; * and no header accept any version", () => {
    expect(versionsFromIfMatch(null)).toBeUndefined();
    expect(versionsFromIfMatch(" * ")).toBeUndefined();
    expect(versionsFromIfMatch('"7"')).toEqual([7]);
    expect(versionsFromIfMatch('"7", W/"8", "9"')).toEqual([7, 9]);
    expect(versionsFromIfMatch('W/"7"')).toEqual([]);
    expect(versionsFromIfMatch("7")).toEqual([]);
    expect(versionsFromIfMatch('"abc"')).toEqual([]);
  });
});

describe("the API: ETag and If-Match", () => {
  it("GET gives the ETag; PATCH with it succeeds and gives the next; a stale one gets 412 with a JSON message", async () => {
    const user = await makeUser();
    const read = await call(userRoute.GET, "GET", { token: ianToken, id: user.user_id });
    const etag = read.headers.get("etag")!;
    expect(etag).toMatch(/^"\d+"$/);

    const patched = await call(userRoute.PATCH, "PATCH", { token: ianToken, id: user.user_id, body: { name: "Via API" }, headers: { "if-match": etag } });
    expect(patched.status).toBe(200);
    const next = patched.headers.get("etag");
    expect(next).not.toBe(etag);
    expect((await call(userRoute.GET, "GET", { token: ianToken, id: user.user_id })).headers.get("etag")).toBe(next);

    const stale = await call(userRoute.PATCH, "PATCH", { token: ianToken, id: user.user_id, body: { blocked: true }, headers: { "if-match": etag } });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual({ statusCode: 412, error: "Precondition Failed", message: expect.stringMatching(STALE) });
    expect((await getVersionedUser(admins.ian, user.user_id)).user.blocked).toBe(false);

    const weak = await call(userRoute.PATCH, "PATCH", { token: ianToken, id: user.user_id, body: { blocked: true }, headers: { "if-match": `W/${next}` } });
    expect(weak.status).toBe(412);
    const any = await call(userRoute.PATCH, "PATCH", { token: ianToken, id: user.user_id, body: { blocked: true }, headers: { "if-match": "*" } });
    expect(any.status).toBe(200);
    const none = await call(userRoute.PATCH, "PATCH", { token: ianToken, id: user.user_id, body: { blocked: false } });
    expect(none.status).toBe(200);
  });

  it("DELETE honours If-Match: 412 when stale, 204 when current", async () => {
    const user = await makeUser();
    const etag = (await call(userRoute.GET, "GET", { token: ianToken, id: user.user_id })).headers.get("etag")!;
    await call(userRoute.PATCH, "PATCH", { token: ianToken, id: user.user_id, body: { name: "Changed" } });
    const stale = await call(userRoute.DELETE, "DELETE", { token: ianToken, id: user.user_id, headers: { "if-match": etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toBe("Precondition Failed");
    const current = (await call(userRoute.GET, "GET", { token: ianToken, id: user.user_id })).headers.get("etag")!;
    expect((await call(userRoute.DELETE, "DELETE", { token: ianToken, id: user.user_id, headers: { "if-match": current } })).status).toBe(204);
  });

  it("a deleted user is 404, not 412", async () => {
    const user = await makeUser();
    const etag = (await call(userRoute.GET, "GET", { token: ianToken, id: user.user_id })).headers.get("etag")!;
    await deleteUser(admins.ian, user.user_id);
    const res = await call(userRoute.PATCH, "PATCH", { token: ianToken, id: user.user_id, body: { name: "x" }, headers: { "if-match": etag } });
    expect(res.status).toBe(404);
  });
});
