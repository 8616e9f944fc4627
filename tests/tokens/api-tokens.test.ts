import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import { DomainError } from "@/lib/errors";
import { createApiTokenSchema } from "@/lib/schemas/token";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { authenticateApiToken, createApiToken, listApiTokens, revokeApiToken } from "@/lib/tokens/api-tokens";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

const REQUEST = { ipAddress: "192.0.2.5", userAgent: "curl/8" };
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);

/** Every row of every table of the database, as text. */
async function wholeDatabase(): Promise<string> {
  const prisma = db().prisma;
  const tables = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["api_tokens", "audit_logs", "users"]));
  const dumps = await Promise.all(
    tables.map(({ table_name }) => prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`)),
  );
  return dumps.flat().map((r) => r.row).join("\n");
}

/** A second Administrator, to block, demote and delete without touching the demo admins. */
async function newAdministrator(email: string): Promise<Actor> {
  const user = await createUser(
    admins.ian,
    createUserSchema.parse({ email, password: "Second-admin-pass-1", connection: DEMO_CONNECTION, app_metadata: { roles: [ROLES.administrator] } }),
  );
  return loadActor(user.user_id, "console", REQUEST);
}

describe("createApiToken", () => {
  it("returns the token once and stores only its SHA-256: the token is nowhere in the database", async () => {
    const { token, summary } = await createApiToken(admins.ian, createApiTokenSchema.parse({ name: "  CI pipeline  " }));
    expect(token).toMatch(/^dlg_[A-Za-z0-9_-]{43}$/);
    expect(summary).toMatchObject({ name: "CI pipeline", prefix: token.slice(0, 10), revokedAt: null, createdBy: { id: admins.ian.id, email: "ian@example.com" } });
    expect(Object.keys(summary)).not.toContain("tokenHash");
    const row = await db().prisma.apiToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    const everything = await wholeDatabase();
    expect(everything).toContain(row.tokenHash);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.slice(10));
    const audit = await db().prisma.auditLog.findFirstOrThrow({
      where: { action: "api_token.create", details: { path: ["tokenId"], equals: summary.id } },
    });
    expect(audit).toMatchObject({ result: "success", actorEmail: "ian@example.com", details: { name: "CI pipeline", tokenId: summary.id } });
  });

  it("requires a name", () => {
    expect(createApiTokenSchema.safeParse({ name: "   " }).error?.issues[0]?.message).toBe("Give the token a name.");
  });

  it("gives a different token each time", async () => {
    const a = await createApiToken(admins.ian, { name: "a" });
    const b = await createApiToken(admins.ian, { name: "a" });
    expect(a.token).not.toBe(b.token);
  });

  it("is for Administrators only", async () => {
    for (const actor of [admins.kelly, admins.olga, admins.aud]) {
      const error = await refusal(createApiToken(actor, { name: "mine" }));
      expect(error.status).toBe(403);
      expect((await refusal(listApiTokens(actor))).status).toBe(403);
    }
    expect(await db().prisma.apiToken.count({ where: { name: "mine" } })).toBe(0);
  });
});

describe("listApiTokens", () => {
  it("lists name, prefix, creator and dates, newest first, and never the hash", async () => {
    await db().prisma.apiToken.deleteMany({});
    const hourAgo = Date.now() - 3_600_000;
    for (const [index, name] of ["oldest", "middle", "newest"].entries()) {
      const { summary } = await createApiToken(admins.ian, { name });
      await db().prisma.apiToken.update({ where: { id: summary.id }, data: { createdAt: new Date(hourAgo + index * 60_000) } });
    }
    const tokens = await listApiTokens(admins.ian);
    expect(tokens.map((t) => t.name)).toEqual(["newest", "middle", "oldest"]);
    for (const token of tokens) {
      expect(Object.keys(token).sort()).toEqual(["createdAt", "createdBy", "id", "lastUsedAt", "name", "prefix", "revokedAt"]);
      expect(token.prefix).toMatch(/^dlg_.{6}$/);
    }
  });
});

describe("authenticateApiToken", () => {
  it("acts as the admin who made the token, on the api channel, and notes when it was used", async () => {
    const { token, summary } = await createApiToken(admins.ian, { name: "used" });
    const actor = await authenticateApiToken(token, REQUEST);
    expect(actor).toMatchObject({ id: admins.ian.id, email: "ian@example.com", channel: "api", apiTokenId: summary.id, roles: [ROLES.administrator], ...REQUEST });
    const row = await db().prisma.apiToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.lastUsedAt?.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses unknown, altered and foreign-looking tokens with 401", async () => {
    const { token } = await createApiToken(admins.ian, { name: "to alter" });
    const altered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const candidate of [altered, "dlg_", token.slice(4), `Bearer ${token}`, ""]) {
      expect((await refusal(authenticateApiToken(candidate, REQUEST))).status).toBe(401);
    }
  });

  it("refuses a revoked token; revoking twice is a conflict, an unknown token is not found", async () => {
    const { token, summary } = await createApiToken(admins.ian, { name: "revoked" });
    await revokeApiToken(admins.ian, summary.id);
    const error = await refusal(authenticateApiToken(token, REQUEST));
    expect(error.status).toBe(401);
    expect(error.message).toBe("The API token is not valid or was revoked.");
    expect((await listApiTokens(admins.ian)).find((t) => t.id === summary.id)?.revokedAt).toBeInstanceOf(Date);
    expect((await refusal(revokeApiToken(admins.ian, summary.id))).status).toBe(409);
    expect((await refusal(revokeApiToken(admins.ian, crypto.randomUUID()))).status).toBe(404);
    expect((await refusal(revokeApiToken(admins.ian, "not-an-id"))).status).toBe(404);
    expect((await refusal(revokeApiToken(admins.kelly, summary.id))).status).toBe(403);
    const audit = await db().prisma.auditLog.findFirstOrThrow({
      where: { action: "api_token.revoke", result: "success", details: { path: ["tokenId"], equals: summary.id } },
    });
    expect(audit.details).toEqual({ tokenId: summary.id, name: "revoked" });
  });

  it("of ten concurrent revocations of one token exactly one succeeds; the others are conflicts", async () => {
    const { summary } = await createApiToken(admins.ian, { name: "revoked at once" });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => revokeApiToken(admins.ian, summary.id)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refusals = results.flatMap((r) => (r.status === "rejected" ? [r.reason as DomainError] : []));
    expect(refusals.map((e) => [e.status, e.message])).toEqual(Array(9).fill([409, "This API token is already revoked."]));
    const audit = await db().prisma.auditLog.findMany({ where: { action: "api_token.revoke", details: { path: ["tokenId"], equals: summary.id } } });
    expect(audit.map((a) => a.result).sort()).toEqual([...Array(9).fill("failure"), "success"]);
  });

  it("refuses the token of a blocked admin until unblocked", async () => {
    const second = await newAdministrator("blocked.admin@example.com");
    const { token } = await createApiToken(second, { name: "soon blocked" });
    await updateUser(admins.ian, second.id, updateUserSchema.parse({ blocked: true }));
    const error = await refusal(authenticateApiToken(token, REQUEST));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/blocked/);
    await updateUser(admins.ian, second.id, updateUserSchema.parse({ blocked: false }));
    expect((await authenticateApiToken(token, REQUEST)).id).toBe(second.id);
  });

  it("follows the admin's current roles: a demoted admin's token loses the Administrator rights", async () => {
    const second = await newAdministrator("demoted.admin@example.com");
    const { token } = await createApiToken(second, { name: "soon demoted" });
    await updateUser(admins.ian, second.id, updateUserSchema.parse({ app_metadata: { roles: [ROLES.auditor] } }));
    const demoted = await authenticateApiToken(token, REQUEST);
    expect(demoted.roles).toEqual([ROLES.auditor]);
    expect((await refusal(createApiToken(demoted, { name: "escalate" }))).status).toBe(403);
    await updateUser(admins.ian, second.id, updateUserSchema.parse({ app_metadata: {} }));
    const error = await refusal(authenticateApiToken(token, REQUEST));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/no Delegated Admin role/);
  });

  it("stops working when its admin is deleted", async () => {
    const second = await newAdministrator("deleted.admin@example.com");
    const { token, summary } = await createApiToken(second, { name: "orphan" });
    await deleteUser(admins.ian, second.id);
    expect((await refusal(authenticateApiToken(token, REQUEST))).status).toBe(401);
    expect(await db().prisma.apiToken.findUnique({ where: { id: summary.id } })).toBeNull();
  });
});
