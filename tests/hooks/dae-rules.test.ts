import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { getMembershipOptions, membershipOptionsForForm } from "@/lib/departments/memberships";
import type { DomainError } from "@/lib/errors";
import { formUserFields, getConsoleSettings } from "@/lib/hooks/console-settings";
import { displayColumns } from "@/lib/hooks/display-columns";
import { translateErrorMessage } from "@/lib/hooks/error-translator";
import { listColumns, profileRows } from "@/lib/hooks/user-field-views";
import type { HookKind } from "@/lib/hooks/kinds";
import { runHookDraft } from "@/lib/hooks/manage/run-hook-draft";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { createUserSchema, listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { listUsers } from "@/lib/users/list-users";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/** When each hook runs and what it gets and returns, as in Auth0's Delegated Administration extension (DAE). */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 12);
});

async function install(kind: HookKind, code: string | undefined) {
  await db().prisma.hookVersion.deleteMany({ where: { kind } });
  await db().prisma.hook.deleteMany({ where: { kind } });
  clearAllMemos();
  if (code) await saveHook(admins.ian, { kind, code, enabled: true, timeoutMs: 10_000 });
}

beforeEach(async () => {
  for (const kind of ["write", "filter", "access", "memberships", "settings"] as const) await install(kind, undefined);
  await db().prisma.hookExecution.deleteMany({});
});

let counter = 0;
const newUser = (overrides: Record<string, unknown> = {}) =>
  createUserSchema.parse({
    email: `dae${++counter}@example.com`,
    password: "Correct-horse-1",
    connection: DEMO_CONNECTION,
    memberships: ["HR"],
    ...overrides,
  });

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as DomainError,
  );

const lastLogs = async (kind: HookKind) =>
  (await db().prisma.hookExecution.findFirst({ where: { kind }, orderBy: { createdAt: "desc" } }))?.logs;

describe("ctx.request.user", () => {
  it("is the admin as an Auth0 profile, with sub and an auth0 identity of the connection", async () => {
    await install(
      "write",
      `function (ctx, callback) {
        var u = ctx.request.user;
        ctx.log(u.sub === u.user_id, u.email, JSON.stringify(u.identities), u.app_metadata.department);
        callback(null, ctx.defaultPayload);
      }`,
    );
    await createUser(admins.kelly, newUser({ memberships: ["Finance"] }));
    const identity = { connection: DEMO_CONNECTION, provider: "auth0", user_id: admins.kelly.id, isSocial: false };
    expect(await lastLogs("write")).toEqual([{ level: "log", message: `true kelly@example.com ${JSON.stringify([identity])} Finance` }]);
  });
});

describe("Write Hook on create", () => {
  it("gets DAE's defaultPayload, and a result of nothing writes it", async () => {
    await install("write", "function (ctx, callback) { ctx.log(JSON.stringify(ctx.defaultPayload)); callback(); }");
    const user = await createUser(admins.ian, newUser({ email: "default-payload@example.com", name: "Not in DAE's default", memberships: ["HR", "IT"] }));
    expect(await lastLogs("write")).toEqual([
      {
        level: "log",
        // The password is masked in every log (issue 7, item 13).
        message: JSON.stringify({
          email: "default-payload@example.com",
          password: "[secret]",
          connection: DEMO_CONNECTION,
          app_metadata: { memberships: ["HR", "IT"] },
        }),
      },
    ]);
    expect(user).toMatchObject({ email: "default-payload@example.com", name: null, app_metadata: { memberships: ["HR", "IT"] } });
  });

  it("gets the form's values as ctx.payload, and what it returns is written", async () => {
    await install(
      "write",
      `function (ctx, callback) {
        ctx.log(JSON.stringify(ctx.payload));
        callback(null, { email: ctx.payload.email, password: ctx.payload.password, connection: ctx.payload.connection,
          username: ctx.payload.username, name: ctx.payload.name, given_name: ctx.payload.given_name, family_name: ctx.payload.family_name,
          phone_number: ctx.payload.phone_number, email_verified: ctx.payload.email_verified,
          app_metadata: ctx.payload.app_metadata, user_metadata: ctx.payload.user_metadata });
      }`,
    );
    const values = {
      email: "full-payload@example.com",
      username: "full.payload",
      name: "Full Payload",
      given_name: "Full",
      family_name: "Payload",
      phone_number: "+44 20 7946 0001",
      email_verified: true,
      app_metadata: { team: "blue" },
      user_metadata: { title: "Tester" },
    };
    const user = await createUser(admins.ian, newUser({ ...values, memberships: ["HR", "IT"] }));
    expect(await lastLogs("write")).toEqual([
      {
        level: "log",
        message: JSON.stringify({
          memberships: ["HR", "IT"],
          email: "full-payload@example.com",
          password: "[secret]",
          connection: DEMO_CONNECTION,
          username: "full.payload",
          name: "Full Payload",
          given_name: "Full",
          family_name: "Payload",
          phone_number: "+44 20 7946 0001",
          email_verified: true,
          app_metadata: { team: "blue" },
          user_metadata: { title: "Tester" },
        }),
      },
    ]);
    expect(user).toMatchObject(values);
  });

  it("without a Write Hook, writes the form's values with the memberships in app_metadata", async () => {
    const user = await createUser(admins.ian, newUser({ email: "no-hook@example.com", name: "No Hook", app_metadata: { team: "red" }, memberships: ["IT"] }));
    expect(user).toMatchObject({ email: "no-hook@example.com", name: "No Hook", app_metadata: { team: "red", memberships: ["IT"] } });
  });

  it("without memberships, defaultPayload's app_metadata is empty", async () => {
    await install("write", "function (ctx, callback) { callback(null, ctx.defaultPayload); }");
    const user = await createUser(admins.ian, newUser({ memberships: [] }));
    expect(user.app_metadata).toEqual({});
  });

  it("accepts a result with keys Delegate does not store and ignores them", async () => {
    await install(
      "write",
      `function (ctx, callback) {
        callback(null, { email: ctx.payload.email, password: ctx.payload.password, connection: ctx.payload.connection,
          memberships: ctx.payload.memberships, verify_email: false, app_metadata: { team: 'x' } });
      }`,
    );
    const user = await createUser(admins.ian, newUser());
    expect(user.app_metadata).toEqual({ team: "x" });
    expect(Object.keys(user)).not.toContain("memberships");
  });
});

describe("Write Hook on update", () => {
  const REFUSE_ALL = "function (ctx, callback) { callback(new Error('Write Hook ran for ' + Object.keys(ctx.payload).sort().join(','))); }";

  it("does not run for an email, username or password change when the Settings Query Hook declares no user fields", async () => {
    const user = await createUser(admins.ian, newUser());
    await install("write", REFUSE_ALL);
    const updated = await updateUser(admins.ian, user.user_id, { email: "credentials-only@example.com", password: "Another-horse-2" });
    expect(updated.email).toBe("credentials-only@example.com");
  });

  it("runs for an email change when the Settings Query Hook returns userFields", async () => {
    const user = await createUser(admins.ian, newUser());
    await install("write", REFUSE_ALL);
    await install("settings", "function (ctx, cb) { cb(null, { userFields: [{ property: 'name', label: 'Name', edit: { type: 'text' } }] }); }");
    const error = await errorOf(updateUser(admins.ian, user.user_id, { email: "with-fields@example.com" }));
    expect(error.message).toBe("Write Hook ran for email,memberships");
  });

  it("runs for every profile change, with only the changed fields", async () => {
    const user = await createUser(admins.ian, newUser());
    await install("write", REFUSE_ALL);
    const error = await errorOf(updateUser(admins.ian, user.user_id, { name: "Profile" }));
    expect(error.message).toBe("Write Hook ran for memberships,name");
  });

  it("merges returned metadata into the stored one like Auth0's PATCH: other keys stay, null removes", async () => {
    const user = await createUser(admins.ian, newUser({ app_metadata: { department: "HR", roles: [], keep: 1, drop: 2 } }));
    await install(
      "write",
      "function (ctx, callback) { callback(null, { name: ctx.payload.name, app_metadata: { department: 'IT', drop: null } }); }",
    );
    const updated = await updateUser(admins.ian, user.user_id, { name: "Merged" });
    expect(updated.name).toBe("Merged");
    expect(updated.app_metadata).toEqual({ department: "IT", roles: [], keep: 1, memberships: ["HR"] });
  });

  it("a result of nothing writes the submitted changes", async () => {
    const user = await createUser(admins.ian, newUser());
    await install("write", "function (ctx, callback) { callback(); }");
    const updated = await updateUser(admins.ian, user.user_id, { name: "As submitted" });
    expect(updated.name).toBe("As submitted");
  });
});

describe("Access Hook on a listed page (read:user for each row)", () => {
  const DENY_BY_MARK = `function (ctx, callback) {
    if (ctx.payload.action !== 'read:user') return callback();
    if ((ctx.payload.user.user_metadata || {}).secret) return callback(new Error('Secret user'));
    callback();
  }`;

  it("leaves out every denied row and says how many, without recording the refusals", async () => {
    const search = `acl${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) await createUser(admins.ian, newUser({ email: `${search}-open${i}@example.com` }));
    for (let i = 0; i < 2; i++) await createUser(admins.ian, newUser({ email: `${search}-secret${i}@example.com`, user_metadata: { secret: true } }));
    await install("access", DENY_BY_MARK);
    const page = await listUsers(admins.ian, listUsersSchema.parse({ search, per_page: 100 }));
    expect(page.users.map((user) => user.email).sort()).toEqual([0, 1, 2].map((i) => `${search}-open${i}@example.com`));
    expect(page.hidden).toBe(2);
    expect(page.total).toBe(5);
    expect(await db().prisma.hookExecution.count({ where: { kind: "access" } })).toBe(0);
  });

  it("hides the row of a hook that fails otherwise, and records that failure", async () => {
    const search = `aclfail${Date.now().toString(36)}`;
    await createUser(admins.ian, newUser({ email: `${search}@example.com` }));
    await install("access", "function (ctx, callback) { null.boom; }");
    const page = await listUsers(admins.ian, listUsersSchema.parse({ search }));
    expect(page).toMatchObject({ users: [], hidden: 1, total: 1 });
    expect(await db().prisma.hookExecution.count({ where: { kind: "access", outcome: "error" } })).toBe(1);
  });

  it("without an Access Hook every row is shown and nothing is hidden", async () => {
    const search = `aclnone${Date.now().toString(36)}`;
    await createUser(admins.ian, newUser({ email: `${search}@example.com`, user_metadata: { secret: true } }));
    expect(await listUsers(admins.ian, listUsersSchema.parse({ search }))).toMatchObject({ hidden: 0, total: 1 });
  });
});

describe("Memberships Query Hook results", () => {
  const options = async (result: string) => {
    await install("memberships", `function (ctx, callback) { callback(null, ${result}); }`);
    return getMembershipOptions(admins.ian);
  };

  it("an array, an object, or nothing", async () => {
    expect(await options("['A', 'B']")).toEqual({ memberships: ["A", "B"], createMemberships: false });
    expect(await options("{ memberships: ['A'], createMemberships: true }")).toEqual({ memberships: ["A"], createMemberships: true });
    expect(await options("{ createMemberships: true }")).toEqual({ memberships: [], createMemberships: true });
    expect(await options("undefined")).toEqual({ memberships: [], createMemberships: false });
    expect(await options("null")).toEqual({ memberships: [], createMemberships: false });
  });

  it("null entries offer nothing", async () => {
    expect(await options("['A', null, 'B']")).toEqual({ memberships: ["A", "B"], createMemberships: false });
  });

  it("with createMemberships, a typed membership is accepted; without, it is refused", async () => {
    await options("{ memberships: ['HR'], createMemberships: true }");
    const user = await createUser(admins.ian, newUser({ memberships: ["Brand new team"] }));
    expect(user.app_metadata).toEqual({ memberships: ["Brand new team"] });
    await options("['HR']");
    const error = await errorOf(createUser(admins.ian, newUser({ memberships: ["Brand new team"] })));
    expect(error.fieldErrors).toEqual({ memberships: "Not a membership you can assign: Brand new team." });
  });

  it("an error gives the form no options and the hook's error", async () => {
    await install("memberships", "function (ctx, callback) { callback(new Error('Directory offline.')); }");
    expect(await membershipOptionsForForm(admins.ian)).toEqual({ memberships: [], createMemberships: false, error: "Directory offline." });
  });
});

describe("the Runner checks a result against its kind's contract", () => {
  const CODE = "function (ctx, callback) { callback(null, { memberships: 'Finance' }); }";

  it("shows the error the console would show", async () => {
    const runner = await runHookDraft(admins.ian, { kind: "memberships", code: CODE, context: { request: {}, payload: {} }, timeoutMs: 10_000 });
    await install("memberships", CODE);
    const console = await errorOf(getMembershipOptions(admins.ian));
    expect(runner).toMatchObject({ ok: false, outcome: "invalid_result", error: { message: console.message } });
    expect(console.message).toBe("Memberships Query Hook returned an invalid result: Invalid input.");
  });

  it("passes a result the console accepts, by the Write Hook's method", async () => {
    const code = "function (ctx, callback) { callback(null, { name: 'Only a name' }); }";
    const update = await runHookDraft(admins.ian, { kind: "write", code, context: { method: "update", payload: {} }, timeoutMs: 10_000 });
    expect(update).toMatchObject({ ok: true, outcome: "success" });
    const create = await runHookDraft(admins.ian, { kind: "write", code, context: { method: "create", payload: {} }, timeoutMs: 10_000 });
    expect(create.error?.message).toBe("Write Hook returned an invalid result at email: Enter an email address.");
  });
});

describe("Access Hook rows run in one sandbox, each call on its own", () => {
  it("each row gets its own ctx, request and callback; a promise-returning hook without a callback allows", async () => {
    const search = `aclbatch${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) await createUser(admins.ian, newUser({ email: `${search}-${i}@example.com` }));
    await install(
      "access",
      `function (ctx, callback) {
        ctx.request.user.email = 'tampered';
        if (ctx.payload.user.email.indexOf('-1@') !== -1) return callback(new Error('no'));
        callback();
      }`,
    );
    const page = await listUsers(admins.kelly, listUsersSchema.parse({ search, sort: "email" }));
    expect(page.users.map((user) => user.email)).toEqual([`${search}-0@example.com`, `${search}-2@example.com`]);
    await install(
      "access",
      "async function (ctx) { if (ctx.request.user.email !== 'kelly@example.com') throw new Error('tampered'); ctx.request.user.email = 'x'; }",
    );
    expect((await listUsers(admins.kelly, listUsersSchema.parse({ search }))).hidden).toBe(0);
  });
});

describe("Settings Query Hook display functions", () => {
  it("run in the sandbox on the server with DAE's arguments, for every listed row of a `search` column", async () => {
    const search = `display${Date.now().toString(36)}`;
    await createUser(admins.ian, newUser({ email: `${search}-a@example.com`, user_metadata: { title: "analyst" } }));
    await install(
      "settings",
      `function (ctx, cb) { cb(null, { userFields: [
        { property: 'user_metadata.title', label: 'Title', search: true, display: "function (user, value) { return value[0] ? value[0].toUpperCase() + ' @ ' + user.identities[0].connection : 'none'; }" },
        { property: 'email', label: 'Mail', search: { display: '(user) => user.email.split("@")[1]' } }
      ] }); }`,
    );
    const settings = await getConsoleSettings(admins.ian);
    const page = await listUsers(admins.ian, listUsersSchema.parse({ search }));
    const shown = await displayColumns(admins.ian, settings, listColumns(settings).columns, page.users);
    expect(shown).toEqual({
      cells: { [page.users[0].user_id]: { "user_metadata.title": `ANALYST @ ${DEMO_CONNECTION}`, email: "example.com" } },
      error: null,
    });
  });

  it("a failing display function of the user page is reported with its property; other rows still show", async () => {
    await install(
      "settings",
      `function (cb_ctx, cb) { cb(null, { userFields: [
        { property: 'name', display: 'function (user) { return user.nope.deeper; }' },
        { property: 'email', display: 'function (user) { return "ok"; }' }
      ] }); }`,
    );
    const settings = await getConsoleSettings(admins.ian);
    const shown = await displayColumns(admins.ian, settings, profileRows(settings).rows, [admins.kelly.profile]);
    expect(shown.cells).toEqual({ [admins.kelly.id]: { email: "ok" } });
    expect(shown.error).toMatch(/^The display function of name: /);
  });
});

describe("Settings Query Hook errorTranslator", () => {
  it("translates a message in the sandbox with the languageDictionary; a failing translator leaves it", async () => {
    await install(
      "settings",
      `function (ctx, cb) { cb(null, {
        languageDictionary: { customErrors: { 'You cannot block yourself.': 'Vous ne pouvez pas vous bloquer.' } },
        errorTranslator: "function (error, languageDictionary) { return (languageDictionary.customErrors || {})[error] || error; }"
      }); }`,
    );
    expect(await translateErrorMessage(admins.ian, "You cannot block yourself.")).toBe("Vous ne pouvez pas vous bloquer.");
    expect(await translateErrorMessage(admins.ian, "Something else.")).toBe("Something else.");
    await install("settings", `function (ctx, cb) { cb(null, { errorTranslator: "(error) => { throw new Error('broken'); }" }); }`);
    expect(await translateErrorMessage(admins.ian, "You cannot block yourself.")).toBe("You cannot block yourself.");
  });
});

describe("Settings Query Hook languageDictionary.labels", () => {
  it("names the form fields and list columns, as DAE's console does", async () => {
    await install(
      "settings",
      `function (ctx, cb) { cb(null, {
        languageDictionary: { labels: { 'user_metadata.title': 'Fonction' } },
        userFields: [
          { property: 'user_metadata.title', label: 'Title', search: true, create: { type: 'text' } },
          { property: 'user_metadata.code', label: 'Code', search: true, create: { type: 'text' } }
        ] }); }`,
    );
    const settings = await getConsoleSettings(admins.ian);
    expect(formUserFields(settings, "create").map((field) => field.label)).toEqual(["Fonction", "Code"]);
    expect(listColumns(settings).columns.map((column) => column.label)).toEqual(["Fonction", "Code"]);
  });
});

describe("a declared metadata user field", () => {
  const declareDepartment = () =>
    install(
      "settings",
      `function (ctx, cb) { cb(null, { userFields: [
        { property: 'app_metadata.profile.department', label: 'Department', create: { type: 'text' } }
      ] }); }`,
    );

  it("lets a department admin write that path, and nothing beside it under the same key", async () => {
    await declareDepartment();
    const created = await createUser(admins.kelly, newUser({ memberships: ["Finance"], app_metadata: { profile: { department: "Finance" } } }));
    expect(created.app_metadata).toEqual({ memberships: ["Finance"], profile: { department: "Finance" } });

    const sibling = await errorOf(createUser(admins.kelly, newUser({ memberships: ["Finance"], app_metadata: { profile: { department: "Finance", salary: 90000 } } })));
    expect([sibling.status, sibling.message]).toEqual([403, "Only Administrators can set app_metadata.profile.salary."]);
    const replaced = await errorOf(createUser(admins.kelly, newUser({ memberships: ["Finance"], app_metadata: { profile: "everything" } })));
    expect([replaced.status, replaced.message]).toEqual([403, "Only Administrators can set app_metadata.profile."]);
    const otherKey = await errorOf(createUser(admins.kelly, newUser({ memberships: ["Finance"], app_metadata: { roles: ["Delegated Admin - Administrator"] } })));
    expect([otherKey.status, otherKey.message]).toEqual([403, "Only Administrators can set app_metadata.roles."]);
  });

  it("allows what lies under the declared path itself", async () => {
    await declareDepartment();
    const created = await createUser(admins.kelly, newUser({ memberships: ["Finance"], app_metadata: { profile: { department: { name: "Finance", code: 7 } } } }));
    expect(created.app_metadata).toEqual({ memberships: ["Finance"], profile: { department: { name: "Finance", code: 7 } } });
  });
});
