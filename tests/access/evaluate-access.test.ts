import { beforeAll, describe, expect, it } from "vitest";
import * as evaluateRoute from "@/app/api/v2/access/evaluate/route";
import { evaluateAccess, evaluateAccessByEmail } from "@/lib/access/evaluate-access";
import type { Actor } from "@/lib/auth/actor";
import type { DomainError } from "@/lib/errors";
import { accessEvaluationSchema } from "@/lib/schemas/access";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor } from "../api/api-client";

/* Issue 13, "Why can (or can't) this admin do this?": the answer names the check that decided. */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let itUser: string;
let financeUser: string;

const memberOf = async (department: string) => {
  const rows = await db().prisma.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM users WHERE app_metadata @> ${JSON.stringify({ memberships: [department] })}::jsonb
      AND NOT (app_metadata ? 'roles') ORDER BY email LIMIT 1`;
  return rows[0].id;
};
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 20, { hooks: true });
  itUser = await memberOf("IT");
  financeUser = await memberOf("Finance");
});

describe("evaluating an admin's access with the saved demo hooks", () => {
  it("names the Filter Hook when a user is out of a department admin's list, and the Access Hook for an action on them", async () => {
    const listed = await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, user_id: itUser, action: "list:user" });
    expect(listed).toMatchObject({
      allowed: false,
      decided_by: "filter_hook",
      message: "The Filter Hook's restriction leaves this user out of the admin's list.",
      draft: false,
    });
    expect(listed.hooks.map((run) => [run.hook, run.outcome])).toEqual([["Filter Hook", "success"]]);

    const blocked = await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, user_id: itUser, action: "block:user" });
    expect(blocked).toMatchObject({ allowed: false, decided_by: "access_hook", message: "You can only manage users within your own department." });
    expect(blocked.hooks).toEqual([expect.objectContaining({ hook: "Access Hook", outcome: "error" })]);
  });

  it("allows a department admin on her department's user, by the Access Hook, and lists the user, by the hooks too", async () => {
    expect(await evaluateAccess(admins.aud, { admin_id: admins.kelly.id, user_id: financeUser, action: "delete:user" })).toMatchObject({
      allowed: true,
      decided_by: "access_hook",
      message: null,
    });
    const listed = await evaluateAccess(admins.aud, { admin_id: admins.kelly.id, user_id: financeUser, action: "list:user" });
    expect(listed).toMatchObject({ allowed: true, decided_by: "access_hook" });
    expect(listed.hooks.map((run) => run.hook)).toEqual(["Filter Hook", "Access Hook"]);
  });

  it("names the built-in rules and the role before any hook runs", async () => {
    const self = await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, user_id: admins.kelly.id, action: "delete:user" });
    expect(self).toMatchObject({ allowed: false, decided_by: "built_in_rule", message: "You cannot delete your own account.", hooks: [] });
    const otherAdmin = await evaluateAccess(admins.ian, { admin_id: admins.olga.id, user_id: admins.kelly.id, action: "reset:password" });
    expect(otherAdmin).toMatchObject({ allowed: false, decided_by: "built_in_rule", message: "Only Administrators can change the accounts of other admins." });
    const auditor = await evaluateAccess(admins.ian, { admin_id: admins.aud.id, user_id: financeUser, action: "change:profile" });
    expect(auditor).toMatchObject({ allowed: false, decided_by: "role_permission", message: "Your role does not allow changing users.", hooks: [] });
    // Reading is the Auditor's role: the Access Hook lets Auditors see everyone.
    expect(await evaluateAccess(admins.ian, { admin_id: admins.aud.id, user_id: itUser, action: "read:user" })).toMatchObject({
      allowed: true,
      decided_by: "access_hook",
    });
  });

  it("names the Memberships Query Hook for a membership the admin cannot assign", async () => {
    expect(await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, action: "create:user", membership: "IT" })).toMatchObject({
      allowed: false,
      decided_by: "memberships_query_hook",
      message: "Not a membership you can assign: IT.",
    });
    expect(await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, action: "create:user", membership: "Finance" })).toMatchObject({
      allowed: true,
      decided_by: "memberships_query_hook",
    });
  });
});

describe("evaluating a draft", () => {
  it("runs the draft instead of the saved hook, with its logs, and writes nothing (no execution, no custom data)", async () => {
    const executions = await db().prisma.hookExecution.count();
    const customData = await db().prisma.$queryRaw<unknown[]>`SELECT * FROM hook_custom_data`;
    const draft = {
      kind: "access" as const,
      code: "function (ctx, callback) { console.log('asked for ' + ctx.payload.action); ctx.write({ touched: true }).then(function () { callback(); }); }",
    };
    const answer = await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, user_id: itUser, action: "block:user", draft });
    expect(answer).toMatchObject({ allowed: true, decided_by: "access_hook", draft: true });
    expect(answer.logs).toEqual([{ hook: "Access Hook", level: "log", message: "asked for block:user" }]);
    expect(await db().prisma.hookExecution.count()).toBe(executions);
    expect(await db().prisma.$queryRaw<unknown[]>`SELECT * FROM hook_custom_data`).toEqual(customData);
    // The saved hook still decides outside the evaluation.
    expect(await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, user_id: itUser, action: "block:user" })).toMatchObject({ allowed: false });
  });

  it("denies, naming the hook, when the draft fails", async () => {
    const draft = { kind: "filter" as const, code: "function (ctx, callback) { callback(new Error('Filter draft broke.')); }" };
    expect(await evaluateAccess(admins.ian, { admin_id: admins.kelly.id, user_id: financeUser, action: "list:user", draft })).toMatchObject({
      allowed: false,
      decided_by: "filter_hook",
      message: "Filter draft broke.",
    });
  });
});

describe("the console's form: the user by email, a draft from the hook editor", () => {
  it("evaluates the editor's code for the user with that email", async () => {
    const email = (await db().prisma.user.findUniqueOrThrow({ where: { id: itUser } })).email;
    const draft = { kind: "access" as const, code: "function (ctx, callback) { callback(new Error('Draft says no to ' + ctx.payload.action)); }" };
    expect(await evaluateAccessByEmail(admins.ian, { admin_id: admins.ian.id, user: ` ${email.toUpperCase()} `, action: "delete:user", draft })).toMatchObject({
      allowed: false,
      decided_by: "access_hook",
      message: "Draft says no to delete:user",
      draft: true,
    });
    // Without the draft the saved hooks decide: Ian (IT, Administrator) may delete the IT user.
    expect(await evaluateAccessByEmail(admins.ian, { admin_id: admins.ian.id, user: email, action: "delete:user" })).toMatchObject({ allowed: true });
  });

  it("says on the user field when the email is missing or nobody has it, and needs no user to create one", async () => {
    const unknown = await failure(evaluateAccessByEmail(admins.ian, { admin_id: admins.kelly.id, user: "nobody@example.com", action: "read:user" }));
    expect([unknown.status, unknown.fieldErrors]).toEqual([400, { user: "There is no user with the email nobody@example.com." }]);
    const missing = await failure(evaluateAccessByEmail(admins.ian, { admin_id: admins.kelly.id, user: "", action: "read:user" }));
    expect(missing.fieldErrors).toEqual({ user: "Enter the email of the user the action is on." });
    expect(await evaluateAccessByEmail(admins.ian, { admin_id: admins.kelly.id, action: "create:user", membership: "Finance" })).toMatchObject({ allowed: true });
  });
});

describe("who may evaluate", () => {
  it("is Administrators and Auditors; only Administrators run drafts", async () => {
    expect((await failure(evaluateAccess(admins.kelly, { admin_id: admins.olga.id, user_id: financeUser, action: "read:user" }))).status).toBe(403);
    expect((await failure(evaluateAccess(admins.olga, { admin_id: admins.kelly.id, user_id: financeUser, action: "read:user" }))).status).toBe(403);
    const draft = { kind: "access" as const, code: "function (ctx, callback) { callback(); }" };
    const auditorDraft = await failure(evaluateAccess(admins.aud, { admin_id: admins.kelly.id, user_id: financeUser, action: "read:user", draft }));
    expect(auditorDraft.message).toBe("Only Administrators can change the configuration.");
  });
});

describe("POST /api/v2/access/evaluate", () => {
  it("answers the evaluation as JSON, 400 for a bad body, 404 for an unknown admin", async () => {
    const token = await tokenFor(admins.ian, admins.ian);
    const ok = await call(evaluateRoute.POST, "POST", { token, body: { admin_id: admins.kelly.id, user_id: itUser, action: "read:user" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ allowed: false, decided_by: "access_hook", message: "You can only manage users within your own department." });
    expect(accessEvaluationSchema.safeParse(ok.body).success).toBe(true);

    const noUser = await call(evaluateRoute.POST, "POST", { token, body: { admin_id: admins.kelly.id, action: "read:user" } });
    expect(noUser.status).toBe(400);
    expect(noUser.body.fields).toEqual({ user_id: "Choose the user the action is on." });
    const unknownAction = await call(evaluateRoute.POST, "POST", { token, body: { admin_id: admins.kelly.id, user_id: itUser, action: "rule:world" } });
    expect(unknownAction.status).toBe(400);
    const unknownAdmin = await call(evaluateRoute.POST, "POST", {
      token,
      body: { admin_id: "00000000-0000-4000-8000-000000000000", user_id: itUser, action: "read:user" },
    });
    expect(unknownAdmin).toMatchObject({ status: 404, body: { message: "There is no admin with this id." } });
  });
});
