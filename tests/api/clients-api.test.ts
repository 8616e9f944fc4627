import { beforeAll, describe, expect, it } from "vitest";
import * as openapiRoute from "@/app/api/v2/openapi.json/route";
import * as clientRoute from "@/app/api/v2/clients/[id]/route";
import * as rotateRoute from "@/app/api/v2/clients/[id]/rotate-secret/route";
import * as clientsRoute from "@/app/api/v2/clients/route";
import type { Actor } from "@/lib/auth/actor";
import { hashClientSecret } from "@/lib/oidc/clients";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, seenBodies, tokenFor } from "./api-client";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const tokens = {} as Record<"ian" | "kelly", string>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  tokens.ian = await tokenFor(admins.ian, admins.ian);
  tokens.kelly = await tokenFor(admins.kelly, admins.ian);
});

const webApp = {
  name: "Grafana",
  app_type: "regular_web",
  callbacks: ["https://grafana.example.com/login/generic_oauth"],
  allowed_logout_urls: ["https://grafana.example.com/login", "http://localhost:3000/"],
};

describe("POST /api/v2/clients", () => {
  it("answers 201 with client_id and, once, a client_secret that is stored only as its hash", async () => {
    const res = await call(clientsRoute.POST, "POST", { token: tokens.ian, body: webApp });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v2/clients/${res.body.client_id}`);
    expect(res.body).toMatchObject({
      name: "Grafana",
      app_type: "regular_web",
      token_endpoint_auth_method: "client_secret_basic",
      is_first_party: true,
      groups_claim: "groups",
      jwt_configuration: { alg: "RS256", lifetime_in_seconds: 36000 },
      refresh_token: { rotation_type: "rotating", token_lifetime: 2592000 },
      access_token_lifetime: 86400,
    });
    expect(res.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await db().prisma.application.findUniqueOrThrow({ where: { clientId: res.body.client_id } });
    expect(row.clientSecretHash).toBe(hashClientSecret(res.body.client_secret));
    const read = await call(clientRoute.GET, "GET", { token: tokens.ian, id: res.body.client_id });
    expect(read.status).toBe(200);
    expect(read.body.client_secret).toBeUndefined();
    expect(read.text).not.toContain(res.body.client_secret);
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "client.create" }, orderBy: { createdAt: "desc" } });
    expect(audit.details).toMatchObject({ client_id: res.body.client_id, app_type: "regular_web" });
    expect(JSON.stringify(audit)).not.toContain(res.body.client_secret);
  });

  it("gives spa and native applications no secret and PKCE only (token_endpoint_auth_method none)", async () => {
    for (const app_type of ["spa", "native"]) {
      const res = await call(clientsRoute.POST, "POST", { token: tokens.ian, body: { name: app_type, app_type, callbacks: ["http://127.0.0.1:8080/cb"] } });
      expect(res.status).toBe(201);
      expect(res.body.client_secret).toBeUndefined();
      expect(res.body.token_endpoint_auth_method).toBe("none");
    }
    const refused = await call(clientsRoute.POST, "POST", {
      token: tokens.ian,
      body: { name: "spa", app_type: "spa", token_endpoint_auth_method: "client_secret_post" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.fields.token_endpoint_auth_method).toBe("spa and native applications have no secret: use none (PKCE).");
  });

  it("accepts https, and http only for localhost and 127.0.0.1, in callbacks and allowed_logout_urls", async () => {
    const cases: [string, number][] = [
      ["https://app.example.com/out", 201],
      ["http://localhost:8080/out", 201],
      ["http://127.0.0.1/out", 201],
      ["http://app.example.com/out", 400],
      ["http://localhost.example.com/out", 400],
      ["https://app.example.com/out#frag", 400],
    ];
    for (const [url, status] of cases) {
      const res = await call(clientsRoute.POST, "POST", { token: tokens.ian, body: { ...webApp, allowed_logout_urls: [url] } });
      expect(res.status, url).toBe(status);
      if (status === 400) expect(res.body.fields.allowed_logout_urls).toMatch(/https|fragment/);
      const callback = await call(clientsRoute.POST, "POST", { token: tokens.ian, body: { ...webApp, callbacks: [url] } });
      expect(callback.status, url).toBe(status);
    }
  });

  it("is for Administrators only", async () => {
    const res = await call(clientsRoute.POST, "POST", { token: tokens.kelly, body: webApp });
    expect(res.status).toBe(403);
    expect((await call(clientsRoute.GET, "GET", { token: tokens.kelly })).status).toBe(403);
  });

  it("refuses a groups claim that is one of the provider's own", async () => {
    const res = await call(clientsRoute.POST, "POST", { token: tokens.ian, body: { ...webApp, groups_claim: "email" } });
    expect(res.status).toBe(400);
    expect(res.body.fields.groups_claim).toBe("This claim name is the provider's own; choose another.");
  });
});

describe("PATCH, rotate-secret and DELETE /api/v2/clients/{id}", () => {
  it("changes fields, keeps app_type, rotates the secret once shown, deletes with an audit entry each", async () => {
    const created = await call(clientsRoute.POST, "POST", { token: tokens.ian, body: webApp });
    const id = created.body.client_id;
    const patched = await call(clientRoute.PATCH, "PATCH", { token: tokens.ian, id, body: { name: "Grafana 2", allowed_memberships: ["IT"] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "Grafana 2", allowed_memberships: ["IT"] });
    const retype = await call(clientRoute.PATCH, "PATCH", { token: tokens.ian, id, body: { app_type: "spa" } });
    expect(retype.status).toBe(400);
    expect(retype.body.fields.app_type).toBe("app_type cannot be changed: register a new application.");

    const rotated = await call(rotateRoute.POST, "POST", { token: tokens.ian, id });
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).not.toBe(created.body.client_secret);
    const row = await db().prisma.application.findUniqueOrThrow({ where: { clientId: id } });
    expect(row.clientSecretHash).toBe(hashClientSecret(rotated.body.client_secret));

    expect((await call(clientRoute.DELETE, "DELETE", { token: tokens.ian, id })).status).toBe(204);
    expect((await call(clientRoute.GET, "GET", { token: tokens.ian, id })).status).toBe(404);
    const actions = (await db().prisma.auditLog.findMany({ where: { details: { path: ["client_id"], equals: id } }, orderBy: { createdAt: "asc" } })).map(
      (entry) => `${entry.action}:${entry.result}`,
    );
    expect(actions).toEqual(["client.create:success", "client.update:success", "client.rotate_secret:success", "client.delete:success"]);
  });

  it("never shows a secret in a list", async () => {
    const list = await call(clientsRoute.GET, "GET", { token: tokens.ian });
    expect(list.status).toBe(200);
    expect(list.body.every((app: Record<string, unknown>) => !("client_secret" in app))).toBe(true);
    expect(seenBodies.length).toBeGreaterThan(0);
  });
});

describe("OpenAPI", () => {
  it("documents /api/v2/clients with the schemas that validate it", async () => {
    const doc = JSON.parse(await openapiRoute.GET().text());
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v2/clients", "/api/v2/clients/{id}", "/api/v2/clients/{id}/rotate-secret"]));
    expect(doc.components.schemas.CreateClient.properties.app_type.enum).toEqual(["regular_web", "spa", "native"]);
    expect(doc.components.schemas.CreateClient.required).toEqual(["name", "app_type"]);
  });
});
