import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { runHookDraft } from "@/lib/hooks/manage/run-hook-draft";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import type { DomainError } from "@/lib/errors";
import { checkHookResult } from "@/lib/hooks/execute";
import { filterHookResultSchema, filterRestrictionToSql, userFilterSchema } from "@/lib/hooks/user-filter";
import { listUsersSchema } from "@/lib/schemas/user";
import { listUsers } from "@/lib/users/list-users";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { AUTH0_FILTER_HOOK_SAMPLE } from "../helpers/published-filter-hook";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 30);
  await db().prisma.user.updateMany({ where: { email: { startsWith: "ada." } }, data: { userMetadata: { region: "EU" } } });
  await db().prisma.user.updateMany({ where: { email: { startsWith: "ben." } }, data: { appMetadata: { department: "Sales" } } });
});

async function installFilter(code: string) {
  await saveHook(admins.ian, { kind: "filter", code, enabled: true, timeoutMs: 10_000 });
  clearAllMemos();
}

async function visibleWith(filter: unknown, list: Record<string, unknown> = {}): Promise<string[]> {
  await installFilter(`function (ctx, callback) { callback(null, ${JSON.stringify(filter)}); }`);
  const page = await listUsers(admins.olga, listUsersSchema.parse({ per_page: 100, ...list }));
  return page.users.map((user) => user.email).sort();
}

async function visibleWithout(list: Record<string, unknown> = {}): Promise<string[]> {
  await installFilter("function (ctx, callback) { callback(); }");
  const page = await listUsers(admins.olga, listUsersSchema.parse({ per_page: 100, ...list }));
  return page.users.map((user) => user.email).sort();
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the list to fail");
    },
    (error: unknown) => error as DomainError,
  );

describe("the Filter Hook's JSON filter", () => {
  it("restricts by membership (memberships array or department), with equals and in", async () => {
    const sales = await visibleWith({ field: "memberships", equals: "Sales" });
    expect(sales).toContain("ben.adams@example.com");
    expect(sales).toContain("chloe.adams@example.com");
    expect(sales.every((email) => !email.startsWith("farid."))).toBe(true);
    const either = await visibleWith({ field: "memberships", in: ["Sales", "HR"] });
    expect(either.length).toBeGreaterThan(sales.length);
  });

  it("restricts by metadata paths and profile fields, combined with and/or", async () => {
    const eu = await visibleWith({ field: "user_metadata.region", equals: "EU" });
    expect(eu.length).toBeGreaterThan(0);
    expect(eu.every((email) => email.startsWith("ada."))).toBe(true);
    const combined = await visibleWith({
      or: [{ field: "email", equals: "kelly@example.com" }, { and: [{ field: "user_metadata.region", equals: "EU" }, { field: "blocked", equals: false }] }],
    });
    expect(combined.sort()).toEqual([...eu, "kelly@example.com"].sort());
  });

  it("treats values as data: an injection attempt matches nothing and breaks nothing", async () => {
    expect(await visibleWith({ field: "email", equals: "x' OR '1'='1" })).toEqual([]);
    expect(await visibleWith({ field: "user_metadata.region", in: ["EU'); DROP TABLE users; --"] })).toEqual([]);
    expect(await db().prisma.user.count()).toBeGreaterThan(0);
  });

  it("compares a metadata path's text exactly: numbers, booleans and strings alike, arrays by their JSON", async () => {
    const set = (email: string, userMetadata: object) => db().prisma.user.updateMany({ where: { email }, data: { userMetadata } });
    await set("grace.adams@example.com", { level: 3, vip: true, tags: ["x"] });
    // A number past double precision cannot come from JavaScript: written by SQL.
    await db().prisma.$executeRaw`UPDATE users SET user_metadata = user_metadata || '{"big": 12345678901234567890}'::jsonb WHERE email = 'grace.adams@example.com'`;
    await set("hugo.adams@example.com", { level: "3", vip: "true", tags: "x" });
    await set("ines.adams@example.com", { level: 3.5, vip: false, tags: ["x", "y"] });
    const emails = (names: string[]) => names.map((name) => `${name}.adams@example.com`);
    expect(await visibleWith({ field: "user_metadata.level", equals: 3 })).toEqual(emails(["grace", "hugo"]));
    expect(await visibleWith({ field: "user_metadata.level", equals: "3.5" })).toEqual(emails(["ines"]));
    expect(await visibleWith({ field: "user_metadata.level", in: [3.5, "3"] })).toEqual(emails(["grace", "hugo", "ines"]));
    expect(await visibleWith({ field: "user_metadata.vip", equals: true })).toEqual(emails(["grace", "hugo"]));
    // false (the boolean and its text) is its own value, also through the index's containment prefilter.
    expect(await visibleWith({ field: "user_metadata.vip", equals: false })).toEqual(emails(["ines"]));
    expect(await visibleWith({ field: "user_metadata.vip", in: [false, "true"] })).toEqual(emails(["grace", "hugo", "ines"]));
    expect(await visibleWith({ field: "user_metadata.level", in: [3] })).toEqual(emails(["grace", "hugo"]));
    expect(await visibleWith({ field: "user_metadata.tags", equals: "x" })).toEqual(emails(["hugo"]));
    expect(await visibleWith({ field: "user_metadata.tags", equals: '["x"]' })).toEqual(emails(["grace"]));
    expect(await visibleWith({ field: "user_metadata.big", equals: "12345678901234567890" })).toEqual(emails(["grace"]));
  });

  it("accepts a field only as a whole name or a metadata path of one to five segments", () => {
    const message =
      "field must be email, username, name, given_name, family_name, connection, blocked, email_verified, memberships, or app_metadata.<path> / user_metadata.<path>";
    for (const field of ["xemail", "emailx", "email.x", "app_metadata", "app_metadata.", "user_metadata.a.b.c.d.e.f", "app_metadata.a b", "xapp_metadata.a"]) {
      expect(userFilterSchema.safeParse({ field, equals: "x" }).error?.issues[0]?.message, field).toBe(message);
    }
    for (const field of ["email", "memberships", "app_metadata.a", "user_metadata.a.b.c.d.e", "app_metadata.cost-center_2"]) {
      expect(userFilterSchema.safeParse({ field, equals: "x" }).success, field).toBe(true);
    }
  });

  it("takes and / or of one to twenty filters", () => {
    const one = { field: "email", equals: "a@example.com" };
    for (const combine of ["and", "or"]) {
      expect(userFilterSchema.safeParse({ [combine]: [one, one] }).success, combine).toBe(true);
      expect(userFilterSchema.safeParse({ [combine]: Array(20).fill(one) }).success, combine).toBe(true);
      expect(userFilterSchema.safeParse({ [combine]: Array(21).fill(one) }).success, combine).toBe(false);
      expect(userFilterSchema.safeParse({ [combine]: [] }).success, combine).toBe(false);
    }
    expect(filterHookResultSchema.parse({ or: [one, { and: [one] }] })).toEqual({ kind: "json", filter: { or: [one, { and: [one] }] } });
  });

  it("says what is wrong with a result it cannot use, and where", () => {
    const check = (result: unknown) => {
      const checked = checkHookResult("filter", filterHookResultSchema, result);
      return checked.ok ? "accepted" : checked.message;
    };
    expect(check({ query: 5 })).toBe("Filter Hook returned an invalid result at query: query must be a string in Auth0's user-search syntax.");
    expect(check("email:(")).toMatch(/^Filter Hook returned an invalid result: the query "email:\(" cannot be used: /);
    expect(check({ or: [{ field: "email", equals: "a" }, { field: "nope", equals: 1 }] })).toMatch(/^Filter Hook returned an invalid result at or\.1/);
    expect(check([{ query: "email:a" }])).toMatch(/^Filter Hook returned an invalid result/);
    expect(filterHookResultSchema.parse({ query: null })).toBeNull();
    expect(filterHookResultSchema.parse({ query: "email:a", other: 1 })).toMatchObject({ kind: "query", query: "email:a" });
  });

  it("refuses unknown fields and malformed filters", () => {
    expect(userFilterSchema.safeParse({ field: "password_hash", equals: "x" }).success).toBe(false);
    expect(userFilterSchema.safeParse({ field: "app_metadata.a;b", equals: "x" }).success).toBe(false);
    expect(userFilterSchema.safeParse({ field: "email", equals: "x", extra: 1 }).success).toBe(false);
    expect(userFilterSchema.safeParse({ and: [] }).success).toBe(false);
  });

  it("a filter hook returning an invalid filter fails with a message naming the hook", async () => {
    const error = await visibleWith({ field: "nope", equals: 1 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^Filter Hook returned an invalid result/);
  });
});

/*
 * The seed (30 users) gives every user app_metadata.department: Finance, IT, Sales, HR, Marketing in turn,
 * and ben.* users are moved to Sales above: Ada (0), Farid (5), Kira (10), Pavel (15), Ada Baker (20),
 * Farid Baker (25) are Finance, and Kelly is the Finance admin.
 */
const FINANCE = ["ada.adams@example.com", "ada.baker@example.com", "farid.adams@example.com", "farid.baker@example.com", "kelly@example.com", "kira.adams@example.com", "pavel.adams@example.com"];

describe("the Filter Hook's query in Auth0's user-search syntax", () => {
  it("a query string restricts the list to its matches", async () => {
    expect(await visibleWith('app_metadata.department:"Finance"')).toEqual(FINANCE);
  });

  it("{ query } is taken as DAE takes it: the query, other keys ignored", async () => {
    expect(await visibleWith({ query: 'app_metadata.department:"Finance"', searchEngine: "v3" })).toEqual(FINANCE);
  });

  it("nothing, null, an empty query or { query: '' } is no restriction", async () => {
    const everyone = await visibleWithout();
    expect(everyone).toHaveLength(34);
    for (const nothing of [null, "", "   ", { query: "" }, { query: null }]) expect(await visibleWith(nothing)).toEqual(everyone);
  });

  it("the admin's search is ANDed with the filter in parentheses: an OR in the filter never widens it", async () => {
    const filter = 'app_metadata.department:"Finance" OR email:"ian@example.com"';
    // DAE sends `(baker) AND app_metadata.department:"Finance" OR email:"ian@example.com"`, which lists Ian too.
    expect(await visibleWith(filter, { search: "baker" })).toEqual(["ada.baker@example.com", "farid.baker@example.com"]);
    expect(await visibleWith(filter, { search: "email:ian@example.com OR email:ben.adams@example.com" })).toEqual(["ian@example.com"]);
    expect(await visibleWith(filter, { search: "email:ben.adams@example.com" })).toEqual([]);
  });

  it("unsupported syntax is a hook error naming the character, never no restriction", async () => {
    const fuzzy = await failureOf(visibleWith("app_metadata.department:Financ~"));
    expect([fuzzy.code, fuzzy.status, fuzzy.message]).toEqual([
      "hook",
      400,
      'Filter Hook returned an invalid result: the query "app_metadata.department:Financ~" cannot be used: Fuzzy and proximity searches (~) are not supported (at character 31).',
    ]);
    const unknown = await failureOf(visibleWith({ query: "department:Finance" }));
    expect(unknown.message).toMatch(/^Filter Hook returned an invalid result: the query "department:Finance" cannot be used: Unknown field "department": .* \(at character 1\)\.$/);
    const notText = await failureOf(visibleWith({ query: 42 }));
    expect(notText.message).toBe("Filter Hook returned an invalid result at query: query must be a string in Auth0's user-search syntax.");
  });

  it("the Runner shows the same error for an unsupported query, and passes a supported one", async () => {
    const run = (query: string) =>
      runHookDraft(admins.ian, { kind: "filter", code: `function (ctx, cb) { cb(null, ${JSON.stringify(query)}); }`, context: { request: {}, payload: {} }, timeoutMs: 5_000 });
    expect(await run("email:/.*/")).toMatchObject({
      ok: false,
      outcome: "invalid_result",
      error: { message: 'Filter Hook returned an invalid result: the query "email:/.*/" cannot be used: Regular expressions (/…/) are not supported (at character 7).' },
    });
    expect(await run("email:*@example.com")).toMatchObject({ ok: true, outcome: "success", result: "email:*@example.com" });
  });

  it("treats the query's values as data: injection attempts match nothing and break nothing", async () => {
    expect(await visibleWith(`app_metadata.department:"Finance' OR '1'='1"`)).toEqual([]);
    expect(await visibleWith('email:"x\\" OR 1=1 --"')).toEqual([]);
    expect(await db().prisma.user.count()).toBe(34);
  });

  it("Auth0's published sample: Kelly sees only Finance, Ian (IT) everyone, Audrey (no department) an error", async () => {
    await installFilter(AUTH0_FILTER_HOOK_SAMPLE);
    const list = async (admin: DemoAdmin, input: Record<string, unknown> = {}) =>
      (await listUsers(admins[admin], listUsersSchema.parse({ per_page: 100, ...input }))).users.map((user) => user.email).sort();
    expect(await list("kelly")).toEqual(FINANCE);
    expect(await list("kelly", { search: "email:*@example.com AND email_verified:false" })).toEqual(["ada.adams@example.com", "pavel.adams@example.com"]);
    expect(await list("ian")).toHaveLength(34);
    expect((await failureOf(list("aud"))).message).toBe("The current user is not part of any department.");
  });
});

describe("indexes for the Filter Hook's restriction", () => {
  /** The plan of a count under the restriction, with sequential scans priced out: which indexes can answer it. */
  async function plan(result: unknown): Promise<string> {
    const restriction = filterHookResultSchema.parse(result);
    if (!restriction) throw new Error("expected a restriction");
    const rows = await db().prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ "QUERY PLAN": string }[]>`EXPLAIN SELECT count(*) FROM users u JOIN connections c ON c.id = u.connection_id WHERE ${filterRestrictionToSql(restriction)}`;
    });
    return rows.map((row) => row["QUERY PLAN"]).join("\n");
  }

  it("a metadata query and the equivalent JSON filter can both use the metadata's GIN index", async () => {
    expect(await plan('app_metadata.department:"Finance"')).toMatch(/Bitmap Index Scan on users_app_metadata_idx/);
    expect(await plan({ field: "app_metadata.department", equals: "Finance" })).toMatch(/Bitmap Index Scan on users_app_metadata_idx/);
    expect(await plan({ query: "user_metadata.region:EU" })).toMatch(/Bitmap Index Scan on users_user_metadata_idx/);
    expect(await plan({ field: "user_metadata.region", in: ["EU", "UK"] })).toMatch(/Bitmap Index Scan on users_user_metadata_idx/);
  });
});
