import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/rest_hooks/user_registered/subscriptions/route";
import { DELETE } from "@/app/api/v1/rest_hooks/user_registered/subscriptions/[id]/route";
import type { Actor } from "@/lib/auth/actor";
import { createApiToken, revokeApiToken } from "@/lib/tokens/api-tokens";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const BASE = "http://localhost:3000/api/v1/rest_hooks/user_registered/subscriptions";
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let token: string;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
  token = (await createApiToken(admins.ian, { name: "zapier" })).token;
});

function subscribe(body: unknown, authorization: string | null = `Token token=${token}`) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization) headers.authorization = authorization;
  const request = new Request(BASE, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  return POST(request, { params: Promise.resolve({}) });
}

function unsubscribe(id: string, authorization = `Token token=${token}`) {
  const request = new Request(`${BASE}/${id}`, { method: "DELETE", headers: { authorization } });
  return DELETE(request, { params: Promise.resolve({ id }) });
}

describe("REST hook subscription API (seed 002)", () => {
  it("creates a subscription: 201 with the id as a string, stored with its authorization token and audited", async () => {
    // This test's own entry: others in the file, in any order, audit their refused subscriptions.
    const startedAt = new Date();
    const response = await subscribe({ url: "https://hooks.example.com/catch/1", authorization_token: "abcdefg" });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    const row = await db().prisma.restHookSubscription.findUniqueOrThrow({ where: { id: Number(body.id) } });
    expect(row).toMatchObject({ url: "https://hooks.example.com/catch/1", authorizationToken: "abcdefg", deletedAt: null });
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "rest_hook.subscribe", createdAt: { gte: startedAt } } });
    expect(audit).toMatchObject({ result: "success", channel: "api", actorEmail: "ian@example.com" });
    expect(JSON.stringify(audit.details)).not.toContain("abcdefg");
  });

  it("accepts the Bearer form too, and no authorization_token", async () => {
    const response = await subscribe({ url: "https://hooks.example.com/catch/2" }, `Bearer ${token}`);
    expect(response.status).toBe(201);
  });

  it("answers 422 to an invalid or missing URL, with the JSON error shape", async () => {
    for (const body of [{ url: "not a url" }, { url: "ftp://example.com/x" }, {}, { url: "http://10.0.0.5/hook" }, []]) {
      const response = await subscribe(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const error = await response.json();
      expect(error).toMatchObject({ statusCode: 422, error: "Unprocessable Entity" });
      expect(error.message).toMatch(/url|URL|address|invalid/);
    }
    const privateAddress = await (await subscribe({ url: "http://10.0.0.5/hook" })).json();
    expect(privateAddress.message).toMatch(/10\.0\.0\.5 is a private address/);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const response = await subscribe("{url:");
    expect(response.status).toBe(400);
  });

  it("answers 401 without a token, with a bad token, and with a revoked token", async () => {
    expect((await subscribe({ url: "https://example.com/x" }, null)).status).toBe(401);
    expect((await subscribe({ url: "https://example.com/x" }, "Token token=dlg_nope")).status).toBe(401);
    const revoked = await createApiToken(admins.ian, { name: "to revoke" });
    expect((await subscribe({ url: "https://example.com/x" }, `Token token=${revoked.token}`)).status).toBe(201);
    await revokeApiToken(admins.ian, revoked.summary.id);
    const response = await subscribe({ url: "https://example.com/x" }, `Token token=${revoked.token}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, error: "Unauthorized" });
    expect((await unsubscribe("1", `Token token=${revoked.token}`)).status).toBe(401);
  });

  it("answers 403 to a token whose admin is not an Administrator (integrations need config:manage)", async () => {
    const kellyToken = `dlg_${crypto.randomBytes(16).toString("hex")}`;
    await db().prisma.apiToken.create({
      data: {
        name: "kelly",
        tokenHash: crypto.createHash("sha256").update(kellyToken).digest("hex"),
        prefix: kellyToken.slice(0, 10),
        createdById: admins.kelly.id,
      },
    });
    const response = await subscribe({ url: "https://example.com/x" }, `Token token=${kellyToken}`);
    expect(response.status).toBe(403);
    expect((await unsubscribe("1", `Token token=${kellyToken}`)).status).toBe(403);
  });

  it("deletes a subscription: 204, then 404 for the same id, and 404 for ids that never existed", async () => {
    const { id } = await (await subscribe({ url: "https://hooks.example.com/catch/3" })).json();
    const removed = await unsubscribe(id);
    expect(removed.status).toBe(204);
    expect(await removed.text()).toBe("");
    const row = await db().prisma.restHookSubscription.findUniqueOrThrow({ where: { id: Number(id) } });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.deletedReason).toMatch(/Removed through the api by ian@example.com/);

    const again = await unsubscribe(id);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ statusCode: 404, message: "There is no REST hook subscription with this id." });
    expect((await unsubscribe("999999")).status).toBe(404);
    expect((await unsubscribe("abc")).status).toBe(404);
    expect((await unsubscribe("1e3")).status).toBe(404);
  });
});
