import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { getMembershipOptions } from "@/lib/departments/memberships";
import type { DomainError } from "@/lib/errors";
import { DEMO_HOOKS } from "@/lib/hooks/demo-hooks";
import type { HookKind } from "@/lib/hooks/kinds";
import { restoreHookVersion } from "@/lib/hooks/manage/restore-hook-version";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { setHookEnabled } from "@/lib/hooks/manage/set-hook-enabled";
import { runHookDraft } from "@/lib/hooks/manage/run-hook-draft";
import { createUserSchema, listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { getUser } from "@/lib/users/get-user";
import { listUsers } from "@/lib/users/list-users";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 40);
});

async function install(kind: HookKind, code: string | undefined, enabled = true) {
  await db().prisma.hookVersion.deleteMany({ where: { kind } });
  await db().prisma.hook.deleteMany({ where: { kind } });
  clearAllMemos();
  if (code) await saveHook(admins.ian, { kind, code, enabled, timeoutMs: 10_000 });
}

async function installDemoHooks() {
  for (const kind of ["write", "filter", "access", "memberships"] as const) await install(kind, DEMO_HOOKS[kind]);
}

let counter = 0;
const newUser = (memberships: string[], overrides: Record<string, unknown> = {}) =>
  createUserSchema.parse({
    email: `hooked${++counter}@example.com`,
    password: "Correct-horse-1",
    connection: DEMO_CONNECTION,
    memberships,
    ...overrides,
  });

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as DomainError,
  );

describe("the seed's Write Hook (demo hooks installed)", () => {
  beforeEach(installDemoHooks);

  it("stores Kelly's Finance user with app_metadata.department Finance", async () => {
    const user = await createUser(admins.kelly, newUser(["Finance"]));
    expect(user.app_metadata).toEqual({ department: "Finance" });
  });

  it("refuses a user without membership, verbatim, as a 400", async () => {
    const error = await errorOf(createUser(admins.ian, newUser([])));
    expect(error.status).toBe(400);
    expect(error.message).toBe("The user must be created within a department.");
  });

  it("refuses an admin who is not in any department", async () => {
    await install("memberships", undefined);
    const olgaWithout = { ...admins.olga, profile: { ...admins.olga.profile, app_metadata: { roles: ["Delegated Admin - Operator"] } } };
    const error = await errorOf(createUser(olgaWithout, newUser(["Sales"])));
    expect(error.message).toBe("The current user is not part of any department.");
  });

  it("refuses Kelly creating in another department with the seed's message, and writes nothing", async () => {
    const before = await db().prisma.user.count();
    const error = await errorOf(createUser(admins.kelly, newUser(["IT"])));
    expect(error.status).toBe(400);
    expect(error.message).toBe("You can only create users within your own department.");
    expect(await db().prisma.user.count()).toBe(before);
    const audit = await db().prisma.auditLog.findFirst({
      where: { action: "user.create", result: "failure" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit?.errorMessage).toBe("You can only create users within your own department.");
  });

  it("lets IT create in any department", async () => {
    const user = await createUser(admins.ian, newUser(["Sales"]));
    expect(user.app_metadata.department).toBe("Sales");
  });

  it("on update gets only the changed fields (and memberships) and writes only the keys it returns", async () => {
    await install("write", undefined); // the seed's hook does not keep the name
    const user = await createUser(admins.ian, newUser(["HR"], { name: "Before" }));
    await install(
      "write",
      `function (ctx, callback) {
      console.log('payload ' + Object.keys(ctx.payload).sort().join(',') + ' of ' + ctx.request.originalUser.name);
      callback(null, { email: ctx.payload.email });
    }`,
    );
    const updated = await updateUser(admins.ian, user.user_id, { email: "changed-by-hook@example.com", given_name: "Jo" });
    expect(updated.email).toBe("changed-by-hook@example.com");
    expect(updated.name).toBe("Before");
    expect(updated.given_name).toBe(null);
    const execution = await db().prisma.hookExecution.findFirst({ where: { kind: "write" }, orderBy: { createdAt: "desc" } });
    expect(execution?.logs).toEqual([{ level: "log", message: "payload email,given_name,memberships of Before" }]);
  });

  it("the seed hook's update keeps the department and changes the email", async () => {
    const user = await createUser(admins.kelly, newUser(["Finance"]));
    const updated = await updateUser(admins.kelly, user.user_id, { email: "kelly-changed@example.com" });
    expect(updated.email).toBe("kelly-changed@example.com");
    expect(updated.app_metadata.department).toBe("Finance");
  });
});

describe("Filter, Access and Memberships hooks (demo rule)", () => {
  beforeEach(installDemoHooks);

  it("Kelly lists only Finance users; Ian and the Auditor list everyone", async () => {
    const input = listUsersSchema.parse({ per_page: 100 });
    const kellys = await listUsers(admins.kelly, input);
    expect(kellys.users.length).toBeGreaterThan(0);
    for (const user of kellys.users) {
      const meta = user.app_metadata as { memberships?: string[]; department?: string };
      expect(meta.memberships ?? [meta.department]).toContain("Finance");
    }
    const all = await db().prisma.user.count();
    expect((await listUsers(admins.ian, input)).total).toBe(all);
    expect((await listUsers(admins.aud, input)).total).toBe(all);
  });

  it("refuses Kelly reading or changing an IT user with the hook's message (403)", async () => {
    const itUser = await createUser(admins.ian, newUser(["IT"]));
    const read = await errorOf(getUser(admins.kelly, itUser.user_id));
    expect(read.status).toBe(403);
    expect(read.message).toBe("You can only manage users within your own department.");
    const block = await errorOf(updateUser(admins.kelly, itUser.user_id, { blocked: true }));
    expect(block.status).toBe(403);
    expect((await getUser(admins.ian, itUser.user_id)).blocked).toBe(false);
  });

  it("offers Kelly only her department and IT every department", async () => {
    expect((await getMembershipOptions(admins.kelly)).memberships).toEqual(["Finance"]);
    expect((await getMembershipOptions(admins.ian)).memberships).toEqual(["Finance", "HR", "IT", "Marketing", "Sales"]);
  });

  it("with the Write Hook disabled, the built-in behaviour applies again", async () => {
    await setHookEnabled(admins.ian, { kind: "write", enabled: false });
    const user = await createUser(admins.ian, newUser(["Sales"]));
    expect(user.app_metadata).toEqual({ memberships: ["Sales"] });
  });
});

describe("Settings Query Hook", () => {
  beforeEach(async () => {
    for (const kind of ["write", "filter", "access", "memberships"] as const) await install(kind, undefined);
  });

  it("canCreateUser: false is enforced on the server", async () => {
    await install("settings", "function (ctx, callback) { callback(null, { canCreateUser: false }); }");
    const error = await errorOf(createUser(admins.ian, newUser(["IT"])));
    expect(error.status).toBe(403);
    await install("settings", undefined);
  });

  it("enforces required, options and a validationFunction run in the sandbox", async () => {
    await install(
      "settings",
      `function (ctx, callback) {
        callback(null, { userFields: [
          { property: 'user_metadata.title', label: 'Title', create: { type: 'text', required: true } },
          { property: 'app_metadata.region', label: 'Region', create: { type: 'select', options: ['EU', 'US'] } },
          { property: 'user_metadata.code', label: 'Code', create: { type: 'text',
            validationFunction: "function (value) { return value && value.length !== 4 ? 'Code must be 4 characters.' : null; }" } }
        ] });
      }`,
    );
    const missing = await errorOf(createUser(admins.ian, newUser(["IT"])));
    expect(missing.fieldErrors).toEqual({ "user_metadata.title": "Title is required." });
    const badOption = await errorOf(
      createUser(admins.ian, newUser(["IT"], { user_metadata: { title: "Dr" }, app_metadata: { region: "MARS" } })),
    );
    expect(badOption.fieldErrors?.["app_metadata.region"]).toBe("Region must be one of: EU, US.");
    const badCode = await errorOf(createUser(admins.ian, newUser(["IT"], { user_metadata: { title: "Dr", code: "12" } })));
    expect(badCode.fieldErrors?.["user_metadata.code"]).toBe("Code must be 4 characters.");
    const ok = await createUser(
      admins.ian,
      newUser(["IT"], { user_metadata: { title: "Dr", code: "1234" }, app_metadata: { region: "EU" } }),
    );
    expect(ok.user_metadata).toEqual({ title: "Dr", code: "1234" });
    await install("settings", undefined);
  });
});

describe("hook failures and management", () => {
  beforeEach(async () => {
    for (const kind of ["write", "filter", "access", "memberships", "settings"] as const) await install(kind, undefined);
  });

  it("a Write Hook that never calls back is a timeout naming the hook; nothing is written", async () => {
    await install("write", "function (ctx, callback) { }");
    await db().prisma.hook.update({ where: { kind: "write" }, data: { timeoutMs: 100 } });
    clearAllMemos();
    const before = await db().prisma.user.count();
    const error = await errorOf(createUser(admins.ian, newUser(["IT"])));
    expect(error.message).toBe("Write Hook did not finish within 100 ms.");
    expect(await db().prisma.user.count()).toBe(before);
  });

  it("a Write Hook result that fails validation is refused before anything is written", async () => {
    await install(
      "write",
      "function (ctx, callback) { callback(null, { email: 'not-an-email', password: ctx.payload.password, connection: ctx.payload.connection }); }",
    );
    const error = await errorOf(createUser(admins.ian, newUser(["IT"])));
    expect(error.message).toMatch(/^Write Hook returned an invalid result at email/);
    await install("write", "function (ctx, callback) { callback(null, { email: ctx.payload.email, password: 'x', connection: ctx.payload.connection }); }");
    const weak = await errorOf(createUser(admins.ian, newUser(["IT"])));
    expect(weak.fieldErrors?.password).toMatch(/at least 8 characters/);
    await install(
      "write",
      "function (ctx, callback) { callback(null, { email: ctx.payload.email, password: ctx.payload.password, connection: 'google-oauth2' }); }",
    );
    const social = await errorOf(createUser(admins.ian, newUser(["IT"])));
    expect(social.fieldErrors?.connection).toMatch(/database connections/);
  });

  it("refuses to save a syntax error, with line and column", async () => {
    const error = await errorOf(
      saveHook(admins.ian, { kind: "write", code: "function (ctx, callback) {\n  var x = ;\n}", enabled: true, timeoutMs: 500 }),
    );
    expect(error.fieldErrors?.code).toMatch(/line 2, column \d+/);
    expect(await db().prisma.hook.findUnique({ where: { kind: "write" } })).toBeNull();
  });

  it("versions every save, restores an old version as a new one, and audits both", async () => {
    await saveHook(admins.ian, { kind: "write", code: DEMO_HOOKS.write!, enabled: true, timeoutMs: 500 });
    await saveHook(admins.ian, { kind: "write", code: "function (ctx, cb) { cb(new Error('v2')); }", enabled: true, timeoutMs: 500 });
    expect((await errorOf(createUser(admins.ian, newUser(["IT"])))).message).toBe("v2");
    const { version } = await restoreHookVersion(admins.ian, { kind: "write", version: 1 });
    expect(version).toBe(3);
    expect((await createUser(admins.ian, newUser(["IT"]))).app_metadata.department).toBe("IT");
    const actions = await db().prisma.auditLog.findMany({ where: { action: { startsWith: "hook." } }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["hook.save", "hook.restore"]));
  });

  it("only Administrators manage hooks", async () => {
    const error = await errorOf(
      saveHook(admins.olga, { kind: "write", code: "function (c, cb) { cb(); }", enabled: true, timeoutMs: 500 }),
    );
    expect(error.status).toBe(403);
  });

  it("the Runner runs unsaved code against a context and persists nothing", async () => {
    const result = await runHookDraft(admins.ian, {
      kind: "memberships",
      code: "function (ctx, callback) { console.log('hi', ctx.method); callback(null, [ctx.payload.email]); }",
      context: { method: "create", payload: { email: "r@example.com" } },
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ ok: true, result: ["r@example.com"], logs: [{ level: "log", message: "hi create" }] });
    expect(await db().prisma.hook.count()).toBe(0);
  });
});
