import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as client from "openid-client";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { createWebhookEndpointSchema } from "@/lib/schemas/webhook";
import { createWebhookEndpoint } from "@/lib/webhooks/create-endpoint";
import { eventsDispatchedFor, startReceiver, type Receiver } from "../delivery/support/receiver";
import { startTestWorker } from "../delivery/support/worker";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { Browser, RP_CALLBACK, createPerson, registerApplication, signInThroughPage, startAuthorization, startOidcServer, useOidcEnvironment } from "./helpers";

const PORT = 3366;
const SECOND_PORT = 3367;
const issuer = useOidcEnvironment(PORT);
process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";
const db = useTestDatabase();
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
let admins: Record<DemoAdmin, Actor>;
let server: { close: () => Promise<void> };
let app: Awaited<ReturnType<typeof registerApplication>>;
let personId: string;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  server = await startOidcServer(PORT);
  app = await registerApplication(admins.ian);
  personId = (await createPerson(admins.ian, "two@example.com", "Correct-horse-9")).user_id;
});
afterAll(async () => server.close());

describe.runIf(onPostgres)("two app instances on one PostgreSQL server", () => {
  let second: ChildProcess;
  beforeAll(async () => {
    second = spawn(process.execPath, ["--import", "tsx", "tests/oidc/serve-instance.ts"], {
      env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL, OIDC_INSTANCE_PORT: String(SECOND_PORT), DELEGATE_PUBLIC_URL: issuer },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await once(second.stdout!, "data");
  });
  afterAll(async () => {
    second.kill("SIGTERM");
    await once(second, "exit");
  });

  it("authorizes on one instance and exchanges the code and refreshes on the other", async () => {
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const signedIn = await signInThroughPage(new Browser("198.51.100.40"), rp, issuer, "two@example.com", "Correct-horse-9");
    expect(signedIn.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
    const otherInstance = `http://127.0.0.1:${SECOND_PORT}`;
    const { supportsPKCE: _method, ...metadata } = rp.config.serverMetadata();
    const onSecond = new client.Configuration(
      { ...metadata, token_endpoint: `${otherInstance}/oidc/token`, userinfo_endpoint: `${otherInstance}/oidc/userinfo` },
      app.client_id,
      app.client_secret,
      client.ClientSecretBasic(app.client_secret!),
    );
    client.allowInsecureRequests(onSecond);
    const tokens = await client.authorizationCodeGrant(onSecond, new URL(signedIn.url), {
      pkceCodeVerifier: rp.verifier,
      expectedState: rp.state,
      expectedNonce: rp.nonce,
    });
    expect(tokens.claims()!.sub).toBe(personId);
    expect((await client.fetchUserInfo(onSecond, tokens.access_token, personId)).email).toBe("two@example.com");
    // The refresh token issued by the second instance rotates on the first.
    const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });
});

describe("webhooks", () => {
  let worker: DeliveryWorker;
  let receiver: Receiver;
  beforeAll(async () => {
    worker = startTestWorker(db());
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await worker.stop();
    await receiver.close();
  });

  it("delivers user.login.success, FusionAuth-style and signed per Standard Webhooks", async () => {
    // The other test's sign-in (from 198.51.100.40) is fanned out first, so it never reaches this endpoint.
    await eventsDispatchedFor(db().prisma, personId);
    const endpoint = await createWebhookEndpoint(admins.ian, createWebhookEndpointSchema.parse({ url: `${receiver.url}/login`, eventTypes: ["user.login.success"] }));
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const signedIn = await signInThroughPage(new Browser("198.51.100.41"), rp, issuer, "two@example.com", "Correct-horse-9");
    expect(signedIn.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
    const [request] = await receiver.waitFor(1);
    const { event } = new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>) as { event: Record<string, unknown> };
    expect(request.headers["webhook-id"]).toBe(event.id);
    expect(event).toMatchObject({
      type: "user.login.success",
      applicationId: app.client_id,
      authenticationType: "PASSWORD",
      ipAddress: "198.51.100.41",
      info: { ipAddress: "198.51.100.41", userAgent: "vitest-browser", data: { source: "oidc" } },
      user: { id: personId, email: "two@example.com", active: true },
    });
    const tampered = request.body.replace("two@example.com", "evil@example.com");
    expect(() => new Webhook(endpoint.secret).verify(tampered, request.headers as Record<string, string>)).toThrow();
  });
});
