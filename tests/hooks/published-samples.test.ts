import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { getMembershipOptions } from "@/lib/departments/memberships";
import type { DomainError } from "@/lib/errors";
import { getConsoleSettings } from "@/lib/hooks/console-settings";
import type { HookKind } from "@/lib/hooks/kinds";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { updatePostRegistrationSettings } from "@/lib/hooks/post-registration-settings";
import { SEED_WRITE_HOOK } from "@/lib/hooks/seed-write-hook";
import { createUserSchema, listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { getUser } from "@/lib/users/get-user";
import { listUsers } from "@/lib/users/list-users";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/**
 * The samples on Auth0's documentation pages for each DAE hook kind (Write, Access, Memberships Query,
 * Settings Query, and the Remote Calls example), saved and run through the console's own paths. The
 * Filter Hook's sample (a Lucene query) is tested with the query language; the post-registration Slack
 * example in tests/hooks/modules.test.ts.
 */

process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";

const ACCESS_SAMPLE = `function(ctx, callback) {
  if (ctx.payload.action === 'delete:user') {
    return callback(new Error('You are not allowed to delete users.'));
  }

  // Get the department from the current user's metadata.
  var department = ctx.request.user.app_metadata && ctx.request.user.app_metadata.department;
  if (!department || !department.length) {
    return callback(new Error('The current user is not part of any department.'));
  }

  // The IT department can access all users.
  if (department === 'IT') {
    return callback();
  }

  ctx.log('Verifying access:', ctx.payload.user.app_metadata.department, department);

  if (!ctx.payload.user.app_metadata.department || ctx.payload.user.app_metadata.department !== department) {
    return callback(new Error('You can only access users within your own department.'));
  }

  return callback();
}`;

const MEMBERSHIPS_SAMPLE = `function(ctx, callback) {
  var currentDepartment = ctx.payload.user.app_metadata && ctx.payload.user.app_metadata.department;
  if (!currentDepartment || !currentDepartment.length) {
    return callback(null, [ ]);
  }

  if (currentDepartment === 'IT') {
    return callback(null, [ 'IT', 'HR', 'Finance', 'Marketing' ]);
  }

  return callback(null, [ ctx.payload.user.app_metadata.department ]);
}`;

const MEMBERSHIPS_CREATE_SAMPLE = `function(ctx, callback) {
  var currentDepartment = ctx.payload.user.app_metadata.department;
  if (!currentDepartment || !currentDepartment.length) {
    return callback(null, [ ]);
  }

  return callback(null, {
    createMemberships: ctx.payload.user.app_metadata.department === 'IT' ? true : false,
    memberships: [ ctx.payload.user.app_metadata.department ]
  });
}`;

const SETTINGS_SAMPLE = `function(ctx, callback) {
  var department = ctx.request.user.app_metadata && ctx.request.user.app_metadata.department;

  return callback(null, {
    // Only these connections should be visible in the connections picker. If only one connection is available, the connections picker will not be shown in the UI.
    connections: [ 'Username-Password-Authentication', 'My-Custom-DB' ],
    // The dictionary allows you to overwrite the title of the dashboard and the "Memberships" label in the Create User dialog.
    dict: {
      title: department ? department + ' User Management' : 'User Management Dashboard',
      memberships: 'Departments',
      menuName: ctx.request.user.name
    },
    // The CSS option allows you to inject a custom CSS file depending on the context of the current user (eg: a different CSS for every customer)
    css: (department && department !== 'IT') && 'https://rawgit.com/auth0-extensions/auth0-delegated-administration-extension/master/docs/theme/fabrikam.css',
    // This option allows you to restrict creating new users
    canCreateUser: (department === 'IT')
  });
}`;

/** The "Remote Calls" example of the hooks overview, with its URL pointed at the local receiver. */
const REMOTE_CALLS_SAMPLE = (url: string) => `function(ctx, callback) {
  var request = require('request');
  request.get({
    url: '${url}'
  }, function(err, res, body) {
    if (err) {
      return callback(new Error('Could not load the departments: ' + err.message));
    }

    return callback(null, JSON.parse(body).departments);
  });
}`;

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let receiver: http.Server;
let departmentsUrl: string;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 30);
  receiver = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ departments: ["Remote A", "Remote B"] }));
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  departmentsUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/departments`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

async function install(kind: HookKind, code: string | undefined) {
  await db().prisma.hookVersion.deleteMany({ where: { kind } });
  await db().prisma.hook.deleteMany({ where: { kind } });
  clearAllMemos();
  if (code) await saveHook(admins.ian, { kind, code, enabled: true, timeoutMs: 10_000 });
}

beforeEach(async () => {
  for (const kind of ["write", "filter", "access", "memberships", "settings"] as const) await install(kind, undefined);
});

let counter = 0;
const newUser = (memberships: string[], overrides: Record<string, unknown> = {}) =>
  createUserSchema.parse({ email: `sample${++counter}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships, ...overrides });

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as DomainError,
  );

describe("Auth0's published DAE samples, through the console's paths", () => {
  it("Write Hook: Kelly's users land in Finance; an edit by Kelly keeps the department", async () => {
    await install("write", SEED_WRITE_HOOK);
    const user = await createUser(admins.kelly, newUser(["Finance"]));
    expect(user.app_metadata).toEqual({ department: "Finance" });
    // The sample does not pass the name on (README: the demo's Write Hook is this sample).
    const edited = await updateUser(admins.kelly, user.user_id, { name: "Edited" });
    expect(edited).toMatchObject({ name: null, app_metadata: { department: "Finance" } });
    expect((await errorOf(createUser(admins.kelly, newUser(["IT"])))).message).toBe("You can only create users within your own department.");
  });

  it("Access Hook: Kelly reads only Finance users, nobody deletes, the list hides the rest", async () => {
    await install("write", SEED_WRITE_HOOK);
    const finance = await createUser(admins.ian, newUser(["Finance"]));
    const it = await createUser(admins.ian, newUser(["IT"]));
    await install("access", ACCESS_SAMPLE);
    expect((await getUser(admins.kelly, finance.user_id)).email).toBe(finance.email);
    const denied = await errorOf(getUser(admins.kelly, it.user_id));
    expect([denied.status, denied.message]).toEqual([403, "You can only access users within your own department."]);
    expect((await errorOf(deleteUser(admins.ian, finance.user_id))).message).toBe("You are not allowed to delete users.");
    const page = await listUsers(admins.kelly, listUsersSchema.parse({ per_page: 100 }));
    expect(page.users.length).toBeGreaterThan(0);
    expect(page.users.every((user) => user.app_metadata.department === "Finance")).toBe(true);
    expect(page.hidden).toBe(page.total - page.users.length);
  });

  it("Memberships Query Hook: IT gets four departments, others their own; with createMemberships only IT may type one", async () => {
    await install("memberships", MEMBERSHIPS_SAMPLE);
    expect(await getMembershipOptions(admins.ian)).toEqual({ memberships: ["IT", "HR", "Finance", "Marketing"], createMemberships: false });
    expect(await getMembershipOptions(admins.kelly)).toEqual({ memberships: ["Finance"], createMemberships: false });
    expect(await getMembershipOptions(admins.aud)).toEqual({ memberships: [], createMemberships: false });
    await install("memberships", MEMBERSHIPS_CREATE_SAMPLE);
    expect(await getMembershipOptions(admins.ian)).toEqual({ memberships: ["IT"], createMemberships: true });
    expect((await createUser(admins.ian, newUser(["Brand-new team"]))).app_metadata).toEqual({ memberships: ["Brand-new team"] });
    expect((await errorOf(createUser(admins.kelly, newUser(["Brand-new team"])))).fieldErrors).toEqual({
      memberships: "Not a membership you can assign: Brand-new team.",
    });
  });

  it("Settings Query Hook: title, label, menu name, stylesheet or none, connections and canCreateUser", async () => {
    await install("settings", SETTINGS_SAMPLE);
    const kelly = await getConsoleSettings(admins.kelly);
    expect(kelly).toMatchObject({
      dict: { title: "Finance User Management", memberships: "Departments", menuName: admins.kelly.profile.name ?? undefined },
      css: "https://rawgit.com/auth0-extensions/auth0-delegated-administration-extension/master/docs/theme/fabrikam.css",
      connections: ["Username-Password-Authentication", "My-Custom-DB"],
      canCreateUser: false,
    });
    const ian = await getConsoleSettings(admins.ian);
    expect(ian).toMatchObject({ dict: { title: "IT User Management" }, css: "", canCreateUser: true });
    expect((await errorOf(createUser(admins.kelly, newUser(["Finance"])))).status).toBe(403);
    expect((await createUser(admins.ian, newUser(["IT"]))).connection).toBe(DEMO_CONNECTION);
  });

  it("Remote calls: the request module loads the memberships from an allowed host", async () => {
    await updatePostRegistrationSettings(admins.ian, { allowedHosts: ["127.0.0.1"] });
    await install("memberships", REMOTE_CALLS_SAMPLE(departmentsUrl));
    expect(await getMembershipOptions(admins.kelly)).toEqual({ memberships: ["Remote A", "Remote B"], createMemberships: false });
  });
});
