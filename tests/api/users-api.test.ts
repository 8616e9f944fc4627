import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as openapiRoute from "@/app/api/v2/openapi.json/route";
import * as userRoute from "@/app/api/v2/users/[id]/route";
import * as usersRoute from "@/app/api/v2/users/route";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createApiToken, revokeApiToken } from "@/lib/tokens/api-tokens";
import { createUser } from "@/lib/users/create-user";
import { membershipsOf, type UserProfile } from "@/lib/users/profile";
import { createUserSchema, listUsersSchema } from "@/lib/schemas/user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, seenBodies, tokenFor } from "./api-client";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const tokens = {} as Record<"ian" | "kelly" | "aud", string>;

const PASSWORD = "Api-Secret-pass-41";
const newUser = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  password: PASSWORD,
  connection: DEMO_CONNECTION,
  memberships: ["IT"],
  name: "Api Person",
  ...extra,
});

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 30);
  tokens.ian = await tokenFor(admins.ian, admins.ian);
  tokens.kelly = await tokenFor(admins.kelly, admins.ian);
  tokens.aud = await tokenFor(admins.aud, admins.ian);
});

const userCount = () => db().prisma.user.count();

describe("authentication", () => {
  it("refuses a request without a token with 401 and says how to authenticate", async () => {
    const res = await call(usersRoute.GET, "GET");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: "Unauthorized", message: expect.stringMatching(/Bearer/) });
  });

  it("refuses unknown and malformed tokens with 401", async () => {
    for (const token of ["not-a-token", "dlg_unknownunknownunknownunknownunknownunkno"]) {
      const res = await call(usersRoute.GET, "GET", { token });
      expect(res.status).toBe(401);
      expect(res.body.statusCode).toBe(401);
    }
  });

  it("stops accepting a token as soon as it is revoked", async () => {
    const { token, summary } = await createApiToken(admins.ian, { name: "to revoke" });
    expect((await call(usersRoute.GET, "GET", { token })).status).toBe(200);
    await revokeApiToken(admins.ian, summary.id);
    const res = await call(usersRoute.GET, "GET", { token });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/revoked/);
  });

  it("refuses the token of an admin who was blocked after creating it, and accepts it again once unblocked", async () => {
    const created = await createUser(
      admins.ian,
      createUserSchema.parse(newUser("second.admin@example.com", { app_metadata: { roles: [ROLES.administrator] } })),
    );
    const secondAdmin = await loadActor(created.user_id, "console");
    const { token } = await createApiToken(secondAdmin, { name: "second admin" });
    expect((await call(usersRoute.GET, "GET", { token })).status).toBe(200);

    const blocked = await call(userRoute.PATCH, "PATCH", { token: tokens.ian, id: created.user_id, body: { blocked: true } });
    expect(blocked.status).toBe(200);
    const refused = await call(usersRoute.GET, "GET", { token });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/blocked/);

    await call(userRoute.PATCH, "PATCH", { token: tokens.ian, id: created.user_id, body: { blocked: false } });
    expect((await call(usersRoute.GET, "GET", { token })).status).toBe(200);
  });

  it("acts with the current role of the token's admin, not the role held when the token was made", async () => {
    // kelly's token was created while she was briefly an Administrator; she is a User again now.
    const res = await call(userRoute.PATCH, "PATCH", {
      token: tokens.kelly,
      id: admins.olga.id,
      body: { app_metadata: { roles: [ROLES.administrator] } },
    });
    expect(res.status).toBe(403);
    const olga = await db().prisma.user.findUniqueOrThrow({ where: { id: admins.olga.id } });
    expect(olga.appMetadata).toMatchObject({ roles: [ROLES.operator] });
  });
});

describe("GET /api/v2/users", () => {
  it("returns the first page sorted by email with the total", async () => {
    const res = await call(usersRoute.GET, "GET", { token: tokens.aud });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: await userCount(), page: 1, per_page: 25 });
    expect(res.body.users).toHaveLength(25);
    const emails = res.body.users.map((u: UserProfile) => u.email);
    expect(emails).toEqual([...emails].sort());
  });

  it("pages through every user exactly once", async () => {
    const total = await userCount();
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(total / 10); page++) {
      const res = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { per_page: 10, page, sort: "created_at" } });
      expect(res.body.total).toBe(total);
      seen.push(...res.body.users.map((u: UserProfile) => u.user_id));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const after = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { per_page: 10, page: 1000 } });
    expect(after.body).toMatchObject({ users: [], total, page: 1000 });
  });

  it("searches email, name and username case-insensitively", async () => {
    const res = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { search: "KELLY FIN" } });
    expect(res.body.users.map((u: UserProfile) => u.email)).toEqual(["kelly@example.com"]);
    const byEmail = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { search: "Ian@EXAMPLE" } });
    expect(byEmail.body.users.map((u: UserProfile) => u.email)).toEqual(["ian@example.com"]);
  });

  it("filters by membership and by connection", async () => {
    const finance = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { membership: "Finance", per_page: 100 } });
    expect(finance.body.total).toBeGreaterThan(1);
    for (const user of finance.body.users) expect(membershipsOf(user)).toContain("Finance");
    expect(finance.body.users.map((u: UserProfile) => u.email)).toContain("kelly@example.com");

    const database = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { connection: DEMO_CONNECTION } });
    expect(database.body.total).toBe(await userCount());
    const social = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { connection: "google-oauth2" } });
    expect(social.body).toMatchObject({ users: [], total: 0 });
  });

  it("sorts by the requested field and order", async () => {
    const res = await call(usersRoute.GET, "GET", {
      token: tokens.kelly,
      query: { sort: "created_at", order: "desc", per_page: 100 },
    });
    const created = res.body.users.map((u: UserProfile) => Date.parse(u.created_at));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it("q and search take a query in Auth0's user-search syntax; a plain word stays a substring search", async () => {
    const emails = (res: { body: { users: UserProfile[] } }) => res.body.users.map((u) => u.email);
    const query = 'app_metadata.department:"Finance" AND email_verified:false';
    const byQ = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { q: query, per_page: 100 } });
    expect(byQ.status).toBe(200);
    expect(emails(byQ)).toEqual(["ada.adams@example.com", "pavel.adams@example.com"]);
    const bySearch = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { search: query, per_page: 100 } });
    expect(emails(bySearch)).toEqual(emails(byQ));
    const word = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { q: "PAVEL", per_page: 100 } });
    expect(emails(word)).toEqual(["pavel.adams@example.com"]);
    const wildcard = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { q: "email:kel*" } });
    expect(emails(wildcard)).toEqual(["kelly@example.com"]);
  });

  it("answers 400 with the position to a query it cannot use, never a 500 or an empty list", async () => {
    const res = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { q: "email:kelly@example.com AND name:Kel~" } });
    expect(res.status).toBe(400);
    const problem = "Fuzzy and proximity searches (~) are not supported (at character 37).";
    expect(res.body).toEqual({ statusCode: 400, error: "Bad Request", message: `q: ${problem}`, fields: { q: problem }, position: 37 });
    const unclosed = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { search: "email:(a@example.com" } });
    expect(unclosed.status).toBe(400);
    expect(unclosed.body).toMatchObject({ fields: { search: "This parenthesis is never closed (at character 7)." }, position: 7 });
    const both = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { q: "a", search: "b" } });
    expect(both.status).toBe(400);
    expect(both.body.fields).toEqual({ q: "Send the search as q or as search, not both." });
  });

  it("refuses invalid query parameters with 400 naming the fields", async () => {
    const res = await call(usersRoute.GET, "GET", { token: tokens.kelly, query: { per_page: 7, sort: "password" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: "Bad Request" });
    expect(Object.keys(res.body.fields).sort()).toEqual(["per_page", "sort"]);
  });
});

describe("POST /api/v2/users", () => {
  it("creates a user: 201, its URL, lower-cased email, memberships, and an audit entry on the api channel", async () => {
    const res = await call(usersRoute.POST, "POST", { token: tokens.kelly, body: newUser("Created.By.Api@Example.com") });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: "created.by.api@example.com", connection: DEMO_CONNECTION, name: "Api Person" });
    expect(res.body.app_metadata.memberships).toEqual(["IT"]);
    expect(res.headers.get("location")).toBe(`/api/v2/users/${res.body.user_id}`);
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { targetUserId: res.body.user_id } });
    expect(audit).toMatchObject({ action: "user.create", result: "success", actorEmail: "kelly@example.com", channel: "api", ipAddress: "203.0.113.7" });
  });

  it("answers 400 to a body that is not JSON", async () => {
    const res = await call(usersRoute.POST, "POST", { token: tokens.kelly, body: '{"email": "broken@example.com",' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: "Bad Request", message: "The request body must be valid JSON." });
  });

  it("answers 400 with field errors to invalid fields and creates nothing", async () => {
    const before = await userCount();
    const res = await call(usersRoute.POST, "POST", {
      token: tokens.kelly,
      body: { email: "not-an-email", password: PASSWORD, connection: DEMO_CONNECTION, memberships: "IT" },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({ email: expect.stringMatching(/valid email/), memberships: expect.any(String) });
    const policy = await call(usersRoute.POST, "POST", { token: tokens.kelly, body: newUser("weak@example.com", { password: "weakweak" }) });
    expect(policy.status).toBe(400);
    expect(policy.body.fields.password).toMatch(/at least 3 of/);
    expect(await userCount()).toBe(before);
  });

  it("answers 409 with a field error to a duplicate email in the connection", async () => {
    expect((await call(usersRoute.POST, "POST", { token: tokens.ian, body: newUser("duplicate.by.api@example.com") })).status).toBe(201);
    const res = await call(usersRoute.POST, "POST", { token: tokens.ian, body: newUser("DUPLICATE.by.api@example.com") });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: "Conflict", fields: { email: expect.stringMatching(/already exists/) } });
  });

  it("refuses an Auditor with 403, creates nothing and records the refusal", async () => {
    const before = await userCount();
    const res = await call(usersRoute.POST, "POST", { token: tokens.aud, body: newUser("by.auditor@example.com") });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: "Forbidden", message: expect.stringMatching(/role/) });
    expect(await userCount()).toBe(before);
    expect(await db().prisma.user.findFirst({ where: { email: "by.auditor@example.com" } })).toBeNull();
    const refusal = await db().prisma.auditLog.findFirstOrThrow({ where: { targetEmail: "by.auditor@example.com" } });
    expect(refusal).toMatchObject({ result: "failure", actorEmail: "aud@example.com", channel: "api" });
  });
});

describe("GET/PATCH/DELETE /api/v2/users/:id", () => {
  // Each test gets a target of its own, so that none depends on what another one changed or deleted.
  let target: UserProfile;
  let targets = 0;
  beforeEach(async () => {
    const res = await call(usersRoute.POST, "POST", { token: tokens.ian, body: newUser(`target${++targets}@example.com`, { email_verified: true }) });
    target = res.body;
  });

  it("returns one user, and 404 for an unknown or malformed id", async () => {
    const res = await call(userRoute.GET, "GET", { token: tokens.aud, id: target.user_id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(target);
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const missing = await call(userRoute.GET, "GET", { token: tokens.aud, id });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ statusCode: 404, error: "Not Found" });
    }
  });

  it("PATCH changes the email, resets its verification, and GET shows it", async () => {
    const res = await call(userRoute.PATCH, "PATCH", { token: tokens.kelly, id: target.user_id, body: { email: "Renamed@Example.com" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: target.user_id, email: "renamed@example.com", email_verified: false });
    const fetched = await call(userRoute.GET, "GET", { token: tokens.kelly, id: target.user_id });
    expect(fetched.body.email).toBe("renamed@example.com");
  });

  it("PATCH answers 400 to bad JSON, an empty change, an unknown field and an invalid value", async () => {
    const cases: [unknown, RegExp][] = [
      ["{nope", /valid JSON/],
      [{}, /Nothing to update/],
      [{ password_hash: "x" }, /^Unrecognized key: "password_hash"$/],
      [{ email: "nope" }, /valid email/],
    ];
    for (const [body, message] of cases) {
      const res = await call(userRoute.PATCH, "PATCH", { token: tokens.ian, id: target.user_id, body });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    }
  });

  it("PATCH answers 404 for an unknown user and 409 for an email already taken", async () => {
    const missing = await call(userRoute.PATCH, "PATCH", {
      token: tokens.ian,
      id: "00000000-0000-4000-8000-000000000000",
      body: { name: "Ghost" },
    });
    expect(missing.status).toBe(404);
    const taken = await call(userRoute.PATCH, "PATCH", { token: tokens.ian, id: target.user_id, body: { email: "kelly@example.com" } });
    expect(taken.status).toBe(409);
    expect(taken.body.fields).toEqual({ email: expect.stringMatching(/already exists/) });
  });

  it("PATCH is refused to an Auditor (403) and metadata editing to a non-Administrator (403)", async () => {
    const byAuditor = await call(userRoute.PATCH, "PATCH", { token: tokens.aud, id: target.user_id, body: { name: "Aud was here" } });
    expect(byAuditor.status).toBe(403);
    const metadata = await call(userRoute.PATCH, "PATCH", { token: tokens.kelly, id: target.user_id, body: { user_metadata: { a: 1 } } });
    expect(metadata.status).toBe(403);
    expect(metadata.body.message).toMatch(/Only Administrators/);
    const unchanged = await call(userRoute.GET, "GET", { token: tokens.aud, id: target.user_id });
    expect(unchanged.body).toMatchObject({ name: "Api Person", user_metadata: {} });
    const byAdmin = await call(userRoute.PATCH, "PATCH", { token: tokens.ian, id: target.user_id, body: { user_metadata: { a: 1 } } });
    expect(byAdmin.body.user_metadata).toEqual({ a: 1 });
  });

  it("PATCH changes the password without ever returning it", async () => {
    const before = await db().prisma.user.findUniqueOrThrow({ where: { id: target.user_id } });
    const res = await call(userRoute.PATCH, "PATCH", { token: tokens.kelly, id: target.user_id, body: { password: "Another-pass-99" } });
    expect(res.status).toBe(200);
    const after = await db().prisma.user.findUniqueOrThrow({ where: { id: target.user_id } });
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(res.text).not.toMatch(/Another-pass-99|argon2|"password/i);
  });

  it("DELETE refuses an Auditor (403), an unknown user (404) and the token's own admin (403)", async () => {
    expect((await call(userRoute.DELETE, "DELETE", { token: tokens.aud, id: target.user_id })).status).toBe(403);
    expect((await call(userRoute.DELETE, "DELETE", { token: tokens.ian, id: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    const self = await call(userRoute.DELETE, "DELETE", { token: tokens.ian, id: admins.ian.id });
    expect(self.status).toBe(403);
    expect(self.body.message).toBe("You cannot delete your own account.");
    expect(await db().prisma.user.count({ where: { id: { in: [target.user_id, admins.ian.id] } } })).toBe(2);
  });

  it("DELETE removes the user: 204 without a body, then 404", async () => {
    const res = await call(userRoute.DELETE, "DELETE", { token: tokens.kelly, id: target.user_id });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await call(userRoute.GET, "GET", { token: tokens.kelly, id: target.user_id })).status).toBe(404);
    expect((await call(userRoute.DELETE, "DELETE", { token: tokens.kelly, id: target.user_id })).status).toBe(404);
  });
});

describe("GET /api/v2/openapi.json", () => {
  it("is public JSON describing every route, the bearer scheme and the error shape", async () => {
    const response = openapiRoute.GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const doc = JSON.parse(await response.text());
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths["/api/v2/users"]).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/v2/users/{id}"]).sort()).toEqual(["delete", "get", "parameters", "patch"]);
    expect(doc.paths["/api/v2/openapi.json"].get.security).toEqual([]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas.Error.required).toEqual(["statusCode", "error", "message"]);
    expect(doc.components.schemas.CreateUser.required).toEqual(["email", "connection"]);
    expect(doc.components.schemas.UpdateUser.additionalProperties).toBe(false);
    expect(doc.paths["/api/v2/users"].get.parameters.map((p: { name: string }) => p.name)).toEqual(Object.keys(listUsersSchema.shape));
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(ref.split("/").reduce((node, key) => node?.[key], doc), ref).toBeDefined();
  });

  it("describes the bodies the API really returns", async () => {
    const doc = JSON.parse(await openapiRoute.GET().text());
    const created = await call(usersRoute.POST, "POST", { token: tokens.ian, body: newUser("documented@example.com") });
    expect(Object.keys(created.body).sort()).toEqual(Object.keys(doc.components.schemas.User.properties).sort());
    expect(doc.components.schemas.User.properties).not.toHaveProperty("password");
    const conflict = await call(usersRoute.POST, "POST", { token: tokens.ian, body: newUser("documented@example.com") });
    for (const key of Object.keys(conflict.body)) expect(doc.components.schemas.Error.properties).toHaveProperty(key);
    const badQuery = await call(usersRoute.GET, "GET", { token: tokens.ian, query: { q: "email:/x/" } });
    expect(Object.keys(badQuery.body).sort()).toEqual(Object.keys(doc.components.schemas.Error.properties).sort());
    const list = await call(usersRoute.GET, "GET", { token: tokens.ian });
    expect(Object.keys(list.body).sort()).toEqual(Object.keys(doc.components.schemas.UserPage.properties).sort());
  });
});

/** Every object in a response that is a user. */
function usersIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(usersIn);
  if (!value || typeof value !== "object") return [];
  const inner = Object.values(value).flatMap(usersIn);
  return "user_id" in value ? [value as Record<string, unknown>, ...inner] : inner;
}

describe("secrets", () => {
  it("no API response ever contained a password or a password hash", async () => {
    // Its own calls (whatever ran before it): a list, a create, a password change and a read.
    await call(usersRoute.GET, "GET", { token: tokens.ian, query: { per_page: 100 } });
    const created = await call(usersRoute.POST, "POST", { token: tokens.ian, body: newUser("secrets@example.com") });
    await call(userRoute.PATCH, "PATCH", { token: tokens.ian, id: created.body.user_id, body: { password: "Another-pass-99" } });
    await call(userRoute.GET, "GET", { token: tokens.ian, id: created.body.user_id });
    expect(seenBodies.length).toBeGreaterThanOrEqual(4);
    for (const text of seenBodies) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain("Another-pass-99");
      expect(text).not.toContain("$argon2");
    }
    const users = seenBodies.flatMap((text) => (text ? usersIn(JSON.parse(text)) : []));
    // The 30 seeded users and the 4 admins are in the list, at least.
    expect(users.length).toBeGreaterThan(34);
    for (const user of users) expect(Object.keys(user).filter((key) => /password/i.test(key))).toEqual([]);
  });
});
