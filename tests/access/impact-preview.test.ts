import { beforeAll, describe, expect, it } from "vitest";
import * as consoleImpactRoute from "@/app/(console)/access/impact/route";
import * as impactRoute from "@/app/api/v2/access/impact/route";
import { previewImpact, type ImpactProgress } from "@/lib/access/impact-preview";
import { impactPreviewStream } from "@/lib/access/impact-stream";
import type { Actor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import type { DomainError } from "@/lib/errors";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { currentEvaluation, withinEvaluation } from "@/lib/hooks/evaluation-scope";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { impactPreviewResultSchema, type AdminImpact } from "@/lib/schemas/impact";
import { listUsersSchema } from "@/lib/schemas/user";
import { listUsers } from "@/lib/users/list-users";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor } from "../api/api-client";

/*
 * Issue 13, "Impact preview of a rule change". The demo tenant of 20 users: 4 per department (Finance, IT,
 * Sales, HR, Marketing) plus the admins Kelly (Finance), Ian (IT), Olga (Sales) and Audrey (Auditor): 24 users.
 */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

/** The demo Filter Hook, changed to let Finance admins see IT too. */
const FINANCE_SEES_IT = DEMO_FILTER_HOOK.replace(
  "return callback(null, { field: 'memberships', equals: department });",
  "return callback(null, department === 'Finance' ? { field: 'memberships', in: ['Finance', 'IT'] } : { field: 'memberships', equals: department });",
);
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);
const of = (preview: { admins: AdminImpact[] }, email: string) => preview.admins.find((row) => row.admin.email === email)!;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 20, { hooks: true });
});

describe("a Filter Hook draft", () => {
  it("counts, per admin, the users newly visible and no longer visible, with the first of them", async () => {
    expect(FINANCE_SEES_IT).not.toBe(DEMO_FILTER_HOOK);
    const executions = await db().prisma.hookExecution.count();
    // 1 as seeded; another test of this file, in any order, deploys the demo Filter Hook again as a later version.
    const { deployedVersion } = await db().prisma.hook.findUniqueOrThrow({ where: { kind: "filter" } });
    const preview = await previewImpact(admins.ian, { kind: "filter", code: FINANCE_SEES_IT });
    expect(impactPreviewResultSchema.safeParse(preview).success).toBe(true);
    expect(preview).toMatchObject({ kind: "filter", version: null, deployed_version: deployedVersion, admins_total: 4, admins_done: 4, partial: false });
    expect(preview.admins.map((row) => row.admin.email)).toEqual(["aud@example.com", "ian@example.com", "kelly@example.com", "olga@example.com"]);

    const kelly = of(preview, "kelly@example.com");
    expect(kelly.visibility).toEqual({
      before: 5,
      after: 10,
      newly_visible: 5,
      no_longer_visible: 0,
      first_newly_visible: ["ben.adams", "grace.adams", "ian", "liam.adams", "quinn.adams"].map((name) => ({
        id: expect.any(String),
        email: `${name}@example.com`,
      })),
      first_no_longer_visible: [],
      errors: { before: null, after: null },
    });
    expect(kelly).toMatchObject({ changed: true, summary: "Kelly Finance: +5 visible, −0", actions: null, memberships: null, settings: null });
    expect(of(preview, "ian@example.com")).toMatchObject({
      changed: false,
      summary: "Ian IT: no change",
      visibility: { before: 24, after: 24, newly_visible: 0, no_longer_visible: 0 },
    });
    expect(of(preview, "olga@example.com").visibility).toMatchObject({ before: 5, after: 5, newly_visible: 0 });
    // Nothing recorded: the preview writes nothing.
    expect(await db().prisma.hookExecution.count()).toBe(executions);
  });

  it("names what leaves the list and a draft that fails for an admin", async () => {
    const draft = DEMO_FILTER_HOOK.replace(/var seesEveryone = [^;]*;/, "var seesEveryone = false;");
    const preview = await previewImpact(admins.ian, { kind: "filter", code: draft, admins: [admins.ian.id, admins.aud.id] });
    expect(of(preview, "ian@example.com").visibility).toMatchObject({ before: 24, after: 5, newly_visible: 0, no_longer_visible: 19 });
    expect(of(preview, "ian@example.com").visibility!.first_no_longer_visible.map((user) => user.email)).toEqual([
      "ada.adams@example.com",
      "aud@example.com",
      "chloe.adams@example.com",
      "dev.adams@example.com",
      "emma.adams@example.com",
    ]);
    // Audrey has no department: the draft's Filter Hook fails for her, so her list would fail (nobody visible).
    expect(of(preview, "aud@example.com")).toMatchObject({
      visibility: { before: 24, after: null, newly_visible: 0, no_longer_visible: 24, errors: { before: null, after: "The current user is not part of any department." } },
      summary: "Audrey Auditor: +0 visible, −24; the draft fails for them: The current user is not part of any department.",
    });
  });

  it("equals the admin's list once the draft is deployed (a saved draft version, previewed by number)", async () => {
    const { version } = await saveHook(admins.ian, { kind: "filter", code: FINANCE_SEES_IT, enabled: true, timeoutMs: 500, draft: true });
    const preview = await previewImpact(admins.ian, { kind: "filter", version, admins: [admins.kelly.id, admins.ian.id] });
    expect(preview.version).toBe(version);
    expect(of(preview, "kelly@example.com").visibility).toMatchObject({ before: 5, after: 10, newly_visible: 5 });
    await saveHook(admins.ian, { kind: "filter", code: FINANCE_SEES_IT, enabled: true, timeoutMs: 500 });
    const list = listUsersSchema.parse({});
    expect((await listUsers(admins.kelly, list)).total).toBe(10);
    expect((await listUsers(admins.ian, list)).total).toBe(24);
    await saveHook(admins.ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 500 });
    expect((await listUsers(admins.kelly, list)).total).toBe(5);
  });
});

describe("the other kinds", () => {
  it("Access Hook: the actions a sample of users newly allows", async () => {
    const draft = (await db().prisma.hook.findUniqueOrThrow({ where: { kind: "access" } })).code.replace(
      "memberships.indexOf(department) === -1)",
      "memberships.indexOf(department) === -1 && !(department === 'Finance' && memberships.indexOf('IT') !== -1))",
    );
    const preview = await previewImpact(admins.ian, { kind: "access", code: draft, sample_size: 100, admins: [admins.kelly.id, admins.ian.id] });
    const kelly = of(preview, "kelly@example.com");
    // 4 IT users × 14 actions (read:logs was allowed already) + reading Ian (changing an admin is a built-in rule's).
    expect(kelly.actions).toMatchObject({ sampled_users: 24, newly_allowed: 57, newly_denied: 0 });
    const deletions = kelly.actions!.changes.find((change) => change.action === "delete:user")!;
    expect(deletions.users.map((user) => user.email)).toEqual(["ben.adams@example.com", "grace.adams@example.com", "liam.adams@example.com", "quinn.adams@example.com"]);
    expect(kelly.summary).toContain("may now see IT users; may now delete IT users");
    expect(of(preview, "ian@example.com")).toMatchObject({ changed: false, actions: { newly_allowed: 0, newly_denied: 0, changes: [] } });
  });

  it("Memberships Query Hook: options gained and lost", async () => {
    const draft = `function (ctx, callback) {
      var department = (ctx.request.user.app_metadata || {}).department;
      if (department === 'Finance') return callback(null, ['HR']);
      return callback(null, department === 'IT' ? ['Finance', 'HR', 'IT', 'Marketing', 'Sales'] : [department]);
    }`;
    const preview = await previewImpact(admins.ian, { kind: "memberships", code: draft, admins: [admins.kelly.id, admins.ian.id] });
    expect(of(preview, "kelly@example.com")).toMatchObject({
      memberships: { before: ["Finance"], after: ["HR"], gained: ["HR"], lost: ["Finance"], create_memberships: { before: false, after: false } },
      summary: "Kelly Finance: gains the options HR; loses the options Finance",
    });
    expect(of(preview, "ian@example.com")).toMatchObject({ changed: false, memberships: { gained: [], lost: [] } });
  });

  it("Settings Query Hook: canCreateUser flips and the settings that differ", async () => {
    const draft = `function (ctx, callback) {
      var sales = (ctx.request.user.app_metadata || {}).department === 'Sales';
      callback(null, { canCreateUser: !sales, dict: { title: sales ? 'Sales console' : undefined } });
    }`;
    const preview = await previewImpact(admins.ian, { kind: "settings", code: draft, admins: [admins.olga.id, admins.kelly.id] });
    expect(of(preview, "olga@example.com")).toMatchObject({
      settings: { can_create_user: { before: true, after: false }, changed: ["canCreateUser", "dict"] },
      summary: "Olga Sales: may no longer create users; settings change: dict",
    });
    expect(of(preview, "kelly@example.com")).toMatchObject({ changed: false, settings: { can_create_user: { before: true, after: true }, changed: [] } });
  });
});

describe("who may preview, and bad input", () => {
  it("is Administrators only", async () => {
    const code = FINANCE_SEES_IT;
    expect((await failure(previewImpact(admins.kelly, { kind: "filter", code }))).status).toBe(403);
    expect((await failure(previewImpact(admins.aud, { kind: "filter", code }))).message).toBe("Only Administrators can change the configuration.");
  });

  it("answers 403, 400 and 404 through the API, never 500", async () => {
    const token = await tokenFor(admins.ian, admins.ian);
    const ok = await call(impactRoute.POST, "POST", { token, body: { kind: "filter", code: FINANCE_SEES_IT, admins: [admins.kelly.id] } });
    expect(ok.status).toBe(200);
    expect(ok.body.admins[0]).toMatchObject({ summary: "Kelly Finance: +5 visible, −0", visibility: { newly_visible: 5 } });

    const user = await call(impactRoute.POST, "POST", { token: await tokenFor(admins.kelly, admins.ian), body: { kind: "filter", code: "x" } });
    expect(user).toMatchObject({ status: 403, body: { message: "Only Administrators and Auditors can evaluate other admins' access." } });
    const bad = [
      { kind: "filter" },
      { kind: "filter", code: FINANCE_SEES_IT, version: 1 },
      { kind: "write", code: FINANCE_SEES_IT },
      { kind: "filter", code: FINANCE_SEES_IT, time_limit_ms: 0 },
      { kind: "filter", code: FINANCE_SEES_IT, admins: ["kelly"] },
      { kind: "filter", code: FINANCE_SEES_IT, admins: [] },
      { kind: "filter", code: FINANCE_SEES_IT, extra: true },
      "not json",
    ];
    for (const body of bad) expect((await call(impactRoute.POST, "POST", { token, body })).status, JSON.stringify(body)).toBe(400);
    const noVersion = await call(impactRoute.POST, "POST", { token, body: { kind: "filter", version: 999 } });
    expect(noVersion).toMatchObject({ status: 404, body: { message: "There is no version 999 of the Filter Hook." } });
    const noAdmin = await call(impactRoute.POST, "POST", { token, body: { kind: "filter", code: FINANCE_SEES_IT, admins: ["00000000-0000-4000-8000-000000000000"] } });
    expect(noAdmin.status).toBe(404);
  });
});

describe("the console's stream", () => {
  it("sends a progress line per admin, then the result; a refusal is a plain JSON error with its status", async () => {
    const response = await impactPreviewStream(admins.ian, { kind: "filter", code: FINANCE_SEES_IT }, new AbortController().signal);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = (await response.text()).trim().split("\n").map((text) => JSON.parse(text));
    expect(lines.slice(0, 4).map((line) => [line.type, line.done, line.total])).toEqual([1, 2, 3, 4].map((done) => ["progress", done, 4]));
    expect(lines[4]).toMatchObject({ type: "result", preview: { admins_done: 4, partial: false } });
    expect(lines).toHaveLength(5);

    const refused = await impactPreviewStream(admins.aud, { kind: "filter", code: FINANCE_SEES_IT }, new AbortController().signal);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: "Only Administrators can change the configuration." });
    const unknown = await impactPreviewStream(admins.ian, { kind: "filter", version: 999 }, new AbortController().signal);
    expect(unknown.status).toBe(404);
  });

  it("is refused to a request from another site, or without an Origin, before any session is read", async () => {
    const post = (headers: Record<string, string>) =>
      consoleImpactRoute.POST(
        new Request("http://console.example/access/impact", {
          method: "POST",
          headers: { host: "console.example", "content-type": "application/json", ...headers },
          body: JSON.stringify({ kind: "filter", code: FINANCE_SEES_IT }),
        }),
      );
    const crossSite = await post({ origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect((await crossSite.json()).message).toMatch(/^Refused a form sent from another site \(evil\.example\)/);
    expect((await post({})).status).toBe(403);
  });

  it("starts no admin once the request is aborted", async () => {
    const aborted = new AbortController();
    aborted.abort();
    const preview = await previewImpact(admins.ian, { kind: "filter", code: FINANCE_SEES_IT }, { signal: aborted.signal });
    expect(preview).toMatchObject({ admins_total: 4, admins_done: 0, partial: true, admins: [] });
  });
});

describe("the hook threads' lane", () => {
  it("is the evaluator's for every run of a preview: a slow draft does not slow the previewed admins' own hooks", async () => {
    const inner = () => withinEvaluation([], async () => currentEvaluation()?.lane);
    expect(await withinEvaluation([], inner, { lane: admins.ian.id })).toBe(admins.ian.id);
    expect(await inner()).toBeUndefined();
  });
});

describe("the time limit", () => {
  it("stops starting admins and answers what was done, flagged partial, with progress on the way", async () => {
    // Four more admins (8 in all), and a draft that computes ~30 ms per admin: past a 1 ms limit, no admin is started after the first ones.
    const connection = await db().prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
    const extras = [1, 2, 3, 4].map((n) => `extra${n}@example.com`);
    await db().prisma.user.createMany({
      data: extras.map((email) => ({
        connectionId: connection.id,
        email,
        appMetadata: { roles: [ROLES.user], department: "HR", memberships: ["HR"] },
      })),
    });
    // The extra admins removed afterwards: the other tests, in any order, count the seeded users only.
    try {
      const slow = FINANCE_SEES_IT.replace("{", "{ var until = Date.now() + 30; while (Date.now() < until) {}");
      const progress: ImpactProgress[] = [];
      const preview = await previewImpact(admins.ian, { kind: "filter", code: slow, time_limit_ms: 1 }, {
        onProgress: (step) => progress.push(step),
      });
      expect(preview.admins_total).toBe(8);
      expect(preview.partial).toBe(true);
      expect(preview.admins_done).toBeLessThan(8);
      expect(preview.admins).toHaveLength(preview.admins_done);
      expect(progress.map((step) => step.done)).toEqual(preview.admins.map((_, index) => index + 1));
      expect(progress.every((step) => step.total === 8)).toBe(true);
    } finally {
      await db().prisma.user.deleteMany({ where: { email: { in: extras } } });
    }
  });
});
