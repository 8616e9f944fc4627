import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as usersRoute from "@/app/api/v2/users/route";
import type { Actor } from "@/lib/auth/actor";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { updatePostRegistrationSettings } from "@/lib/hooks/post-registration-settings";
import { listHookSecretNames, setHookSecret } from "@/lib/hooks/secrets";
import { createUserSchema } from "@/lib/schemas/user";
import { createApiToken } from "@/lib/tokens/api-tokens";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { getTenant } from "@/lib/tenant/tenant";
import { createUser } from "@/lib/users/create-user";
import { startTestWorker } from "../delivery/support/worker";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let worker: DeliveryWorker;
let receiver: http.Server;
let receiverUrl: string;
const received: { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 3);
  receiver = http.createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: JSON.parse(text || "{}") });
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  worker = startTestWorker(db());
});

afterAll(async () => {
  await worker.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

const HOOK = (url: string) => `module.exports = function (user, context, cb) {
  fetch('${url}', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + context.webtask.secrets.API_KEY },
    body: JSON.stringify({ user: user, requestLanguage: context.requestLanguage, connection: context.connection })
  })
    .then(function (response) { return response.json(); })
    .then(function (data) { console.log('receiver said ' + data.ok); cb(); })
    .catch(cb);
};`;

let serial = 0;
const register = (overrides: Record<string, unknown> = {}) =>
  createUser(
    admins.ian,
    createUserSchema.parse({
      email: `registered${++serial}@example.com`,
      password: "Correct-horse-1",
      connection: DEMO_CONNECTION,
      memberships: ["IT"],
      user_metadata: { hobby: "surfing" },
      ...overrides,
    }),
  );

async function executionFor(userId: string) {
  for (let i = 0; i < 200; i++) {
    const execution = await db().prisma.hookExecution.findFirst({ where: { kind: "post_registration", userId } });
    if (execution) return execution;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("The post-registration hook did not run within 10 s.");
}

describe("post-registration hook", () => {
  // Each test starts from the working hook, whatever the test before it saved.
  beforeEach(async () => {
    await setHookSecret(admins.ian, { name: "API_KEY", value: "s3cret-value" });
    await updatePostRegistrationSettings(admins.ian, { allowedHosts: ["127.0.0.1"] });
    await saveHook(admins.ian, { kind: "post_registration", code: HOOK(receiverUrl), enabled: true, timeoutMs: 3000 });
  });

  it("runs after the commit with seed 000's user and context, its fetch reaching an allowed host", async () => {
    const user = await register();
    const execution = await executionFor(user.user_id);
    expect(execution).toMatchObject({ outcome: "success", error: null });
    expect(execution.logs).toEqual([{ level: "log", message: "receiver said true" }]);
    const tenant = await getTenant();
    expect(received).toHaveLength(1);
    expect(received[0].headers.authorization).toBe("Bearer s3cret-value");
    expect(received[0].body).toEqual({
      user: {
        id: user.user_id,
        tenant: tenant.name,
        username: null,
        email: user.email,
        emailVerified: false,
        phoneNumber: null,
        phoneNumberVerified: false,
        user_metadata: { hobby: "surfing" },
        app_metadata: { memberships: ["IT"] },
      },
      requestLanguage: "en-us",
      connection: { id: user.connection_id, name: DEMO_CONNECTION, tenant: tenant.name },
    });
    const registration = await db().prisma.event.findFirstOrThrow({
      where: { type: "user.registration.create.complete", payload: { path: ["event", "user", "id"], equals: user.user_id } },
    });
    expect(execution.eventId).toBe(registration.id);
  });

  it("runs for a user created through the API too", async () => {
    const { token } = await createApiToken(admins.ian, { name: "post-registration test" });
    const response = await usersRoute.POST(
      new Request("http://localhost/api/v2/users", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ email: "via-api@example.com", password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(201);
    const user = (await response.json()) as { user_id: string };
    expect((await executionFor(user.user_id)).outcome).toBe("success");
    expect(received.map((request) => (request.body.user as { email: string }).email)).toEqual(["via-api@example.com"]);
  });

  it("refuses a host that is not allowed, without affecting the create", async () => {
    await saveHook(admins.ian, { kind: "post_registration", code: HOOK("http://localhost:1/elsewhere"), enabled: true, timeoutMs: 3000 });
    const user = await register();
    const execution = await executionFor(user.user_id);
    expect(execution.outcome).toBe("error");
    expect(execution.error).toBe(
      "fetch: localhost is not an allowed host. An Administrator can add it under Hooks → Post-User Registration → Allowed hosts.",
    );
    expect(received).toHaveLength(0);
    expect(await db().prisma.user.count({ where: { id: user.user_id } })).toBe(1);
  });

  it("answers require() of a module that is not built in with the list of those that are", async () => {
    await saveHook(admins.ian, {
      kind: "post_registration",
      code: "module.exports = function (user, context, cb) { var pad = require('left-pad'); cb(); };",
      enabled: true,
      timeoutMs: 1000,
    });
    const user = await register();
    const execution = await executionFor(user.user_id);
    expect(execution.error).toBe(
      "Post-User Registration Hook cannot require('left-pad'): it is not a built-in module. Available: axios, buffer, crypto, http, https, lodash, moment, node-fetch, querystring, request, slack-notify, url, uuid.",
    );
  });

  it("keeps secrets encrypted and write-only", async () => {
    expect((await listHookSecretNames(admins.ian)).map((secret) => secret.name)).toEqual(["API_KEY"]);
    const stored = await db().prisma.hookSecret.findUniqueOrThrow({ where: { name: "API_KEY" } });
    expect(stored.ciphertext).not.toContain("s3cret-value");
    const audit = await db().prisma.auditLog.findMany({ where: { action: "hook.secret.set" } });
    expect(JSON.stringify(audit)).not.toContain("s3cret-value");
  });

  it("does not run for a create that failed", async () => {
    const first = await register();
    await executionFor(first.user_id);
    received.length = 0;
    const before = await db().prisma.hookExecution.count({ where: { kind: "post_registration" } });
    const duplicate = await register({ email: first.email }).catch((error: Error) => error);
    expect((duplicate as { status?: number }).status).toBe(409);
    // Positive marker: a later registration's hook has run, so the failed one's would have run by then.
    const sentinel = await register();
    await executionFor(sentinel.user_id);
    expect(await db().prisma.hookExecution.count({ where: { kind: "post_registration" } })).toBe(before + 1);
    expect(received.map((request) => (request.body.user as { email: string }).email)).toEqual([sentinel.email]);
  });
});
