import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import type { Actor } from "@/lib/auth/actor";
import { retryOnDeadlock } from "@/lib/delivery/store";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { createUserSchema } from "@/lib/schemas/user";
import { createWebhookEndpointSchema } from "@/lib/schemas/webhook";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { getTenant } from "@/lib/tenant/tenant";
import { POST as createUserThroughApi } from "@/app/api/v2/users/route";
import { createApiToken } from "@/lib/tokens/api-tokens";
import { createUser } from "@/lib/users/create-user";
import { createWebhookEndpoint } from "@/lib/webhooks/create-endpoint";
import { redeliverDelivery } from "@/lib/webhooks/redeliver";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-secret";
import { updateWebhookEndpoint } from "@/lib/webhooks/update-endpoint";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { eventsDispatchedFor, eventually, startReceiver, type Receiver } from "../delivery/support/receiver";
import { startTestWorker } from "../delivery/support/worker";

process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let worker: DeliveryWorker;
const receivers: Receiver[] = [];

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
  worker = startTestWorker(db());
});
afterAll(async () => {
  await worker.stop();
});
afterEach(async () => {
  // Every event of this test is fanned out before the next test adds endpoints: none reaches its receiver.
  await eventually(async () => (await db().prisma.event.count({ where: { dispatchedAt: null } })) === 0, 30_000, "every event to be dispatched");
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  // The worker may be recording an outcome for one of them right now (see retryOnDeadlock).
  await retryOnDeadlock(() => db().prisma.webhookEndpoint.deleteMany({}));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

let counter = 0;
const newUser = (overrides: Record<string, unknown> = {}) =>
  createUser(
    admins.ian,
    createUserSchema.parse({
      email: `person${++counter}@example.com`,
      password: "Correct-horse-1",
      connection: DEMO_CONNECTION,
      memberships: ["IT"],
      name: "Joe Smith",
      given_name: "Joe",
      family_name: "Smith",
      user_metadata: { title: "Tree Surgeon" },
      ...overrides,
    }),
  );

const endpoint = (url: string, overrides: Record<string, unknown> = {}) =>
  createWebhookEndpoint(
    admins.ian,
    createWebhookEndpointSchema.parse({ url, eventTypes: ["user.registration.create.complete"], ...overrides }),
  );

const deliveriesOf = (endpointId: string) =>
  db().prisma.delivery.findMany({ where: { endpointId }, include: { attempts: { orderBy: { attemptNumber: "asc" } } } });

describe("webhook delivery", () => {
  it("delivers the registration event of a created user, signed per Standard Webhooks", async () => {
    const rx = await receiver();
    const ep = await endpoint(`${rx.url}/hooks?x=1`, {
      headers: { "X-Custom": "yes" },
      basicAuthUsername: "hook",
      basicAuthPassword: "s3cret",
    });
    const user = await newUser();
    const [request] = await rx.waitFor(1);
    // The delivery is recorded as succeeded (final): one attempt, one request, nothing more to send.
    const [delivered] = await eventually(async () => {
      const rows = await deliveriesOf(ep.id);
      return rows[0]?.status === "succeeded" && rows;
    });
    expect(delivered.attempts).toHaveLength(1);
    expect(rx.requests).toHaveLength(1);

    expect(request.method).toBe("POST");
    expect(request.path).toBe("/hooks?x=1");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-custom"]).toBe("yes");
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from("hook:s3cret").toString("base64")}`);
    expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(Number(request.headers["webhook-timestamp"])).toBeCloseTo(Date.now() / 1000, -1);

    const verified = new Webhook(ep.secret).verify(request.body, request.headers as Record<string, string>) as {
      event: Record<string, unknown>;
    };
    const tenant = await getTenant();
    const { event } = verified;
    expect(request.headers["webhook-id"]).toBe(event.id);
    expect(event).toMatchObject({
      type: "user.registration.create.complete",
      tenantId: tenant.id,
      applicationId: tenant.applicationId,
      info: { ipAddress: "127.0.0.1", userAgent: "vitest", data: { source: "console" } },
      registration: { applicationId: tenant.applicationId, roles: [], usernameStatus: "ACTIVE" },
      user: {
        id: user.user_id,
        email: user.email,
        active: true,
        verified: false,
        tenantId: tenant.id,
        usernameStatus: "ACTIVE",
        passwordChangeRequired: false,
        twoFactorEnabled: false,
        firstName: "Joe",
        lastName: "Smith",
        fullName: "Joe Smith",
        data: { title: "Tree Surgeon" },
        insertInstant: new Date(user.created_at).getTime(),
      },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof event.createInstant).toBe("number");
    expect(request.body).not.toMatch(/"password"|argon2|Correct-horse|hash/i);

    const [delivery] = await eventually(async () => {
      const rows = await deliveriesOf(ep.id);
      return rows[0]?.status === "succeeded" && rows;
    });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ attemptNumber: 1, statusCode: 200, responseBody: "ok", succeeded: true, error: null });
  });

  it("delivers the registration of a user created through the API, with the caller's address and agent", async () => {
    const rx = await receiver();
    const ep = await endpoint(rx.url);
    const { token } = await createApiToken(admins.ian, { name: "provisioning" });
    const response = await createUserThroughApi(
      new Request("http://localhost:3000/api/v2/users", {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "x-forwarded-for": "198.51.100.23",
          "user-agent": "provisioning-script/2.0",
        },
        body: JSON.stringify({ email: "api.made@example.com", password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(201);
    const user = await response.json();
    const [request] = await rx.waitFor(1);
    const { event } = new Webhook(ep.secret).verify(request.body, request.headers as Record<string, string>) as {
      event: { type: string; info: unknown; user: { id: string; email: string } };
    };
    expect(event.type).toBe("user.registration.create.complete");
    expect(event.user).toMatchObject({ id: user.user_id, email: "api.made@example.com" });
    expect(event.info).toEqual({ ipAddress: "198.51.100.23", userAgent: "provisioning-script/2.0", data: { source: "api" } });
  });

  it("sends user.create.complete to endpoints subscribed to it, with the same user", async () => {
    const rx = await receiver();
    await endpoint(rx.url, { eventTypes: ["user.create.complete", "user.registration.create.complete"] });
    const user = await newUser();
    const requests = await rx.waitFor(2);
    const types = requests.map((r) => JSON.parse(r.body).event.type).sort();
    expect(types).toEqual(["user.create.complete", "user.registration.create.complete"]);
    const ids = new Set(requests.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(2);
    for (const r of requests) expect(JSON.parse(r.body).event.user.id).toBe(user.user_id);
  });

  it("retries a receiver failing twice with 500 and delivers on the third attempt with the same webhook-id", async () => {
    const rx = await receiver((_request, n) => (n <= 2 ? { status: 500, body: "down" } : { status: 204 }));
    const ep = await endpoint(rx.url);
    await newUser();
    const requests = await rx.waitFor(3);
    expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(requests[0].body).toBe(requests[2].body);
    const [delivery] = await eventually(async () => {
      const rows = await deliveriesOf(ep.id);
      return rows[0]?.status === "succeeded" && rows;
    });
    expect(delivery.attempts.map((a) => [a.attemptNumber, a.statusCode, a.succeeded])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 204, true],
    ]);
    expect(delivery.attempts[0].responseBody).toBe("down");
    expect(delivery.attempts[0].error).toMatch(/answered 500/);
    for (const attempt of delivery.attempts) expect(attempt.durationMs).toBeGreaterThan(0);
  });

  it("retries a slow receiver that passes the read timeout", async () => {
    // The first answer would take 10 s: an attempt that ends well before proves the read timeout cut it.
    const rx = await receiver((_request, n) => (n === 1 ? { status: 200, delayMs: 10_000 } : { status: 200 }));
    const ep = await endpoint(rx.url, { readTimeoutMs: 300 });
    await newUser();
    await rx.waitFor(2, 15_000);
    const [delivery] = await eventually(async () => {
      const rows = await deliveriesOf(ep.id);
      return rows[0]?.status === "succeeded" && rows;
    });
    expect(delivery.attempts[0].error).toMatch(/read timeout of 300 ms/);
    expect(delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    expect(delivery.attempts[0].durationMs).toBeLessThan(5_000);
    // The next attempt succeeds; on a loaded machine a second one may pass the 300 ms too, never the last.
    expect(delivery.attempts.at(-1)!.succeeded).toBe(true);
    for (const attempt of delivery.attempts.slice(0, -1)) expect(attempt.error).toMatch(/read timeout of 300 ms/);
  });

  it("does not retry a 400, and keeps only the first 4 KB of the answer", async () => {
    const rx = await receiver(() => ({ status: 400, body: "x".repeat(10_000) }));
    const ep = await endpoint(rx.url);
    await newUser();
    await rx.waitFor(1);
    const [delivery] = await eventually(async () => {
      const rows = await deliveriesOf(ep.id);
      return rows[0]?.status === "failed" && rows;
    });
    // "failed" is final (only pending deliveries are claimed): the one attempt is the one request.
    expect(rx.requests).toHaveLength(1);
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].responseBody).toHaveLength(4096);
    expect(delivery.lastError).toMatch(/answered 400.*not retried/);
  });

  it("honours Retry-After on 429", async () => {
    const rx = await receiver((_request, n) => (n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }));
    await endpoint(rx.url);
    await newUser();
    const requests = await rx.waitFor(2, 5000);
    expect(requests[1].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("does not follow redirects: a 3xx fails the delivery", async () => {
    const target = await receiver();
    const rx = await receiver(() => ({ status: 302, headers: { location: `${target.url}/moved` } }));
    const ep = await endpoint(rx.url);
    await newUser();
    await rx.waitFor(1);
    const [delivery] = await eventually(async () => {
      const rows = await deliveriesOf(ep.id);
      return rows[0]?.status === "failed" && rows;
    });
    expect(delivery.lastError).toMatch(/302.*redirects are not followed/);
    expect(target.requests).toHaveLength(0);
    expect(rx.requests).toHaveLength(1);
  });

  it("refuses to reach 127.0.0.1 when it is not allowlisted, and the metadata address always", async () => {
    const rx = await receiver();
    const local = await endpoint(rx.url);
    const metadata = await db().prisma.webhookEndpoint.create({
      data: { url: "http://169.254.169.254/latest/meta-data/", eventTypes: ["user.registration.create.complete"], secret: local.secret },
    });
    const strict = startTestWorker(db(), { outboundAllowlist: [] });
    await worker.stop();
    try {
      await newUser();
      const rows = await eventually(async () => {
        const all = await db().prisma.delivery.findMany({ where: { endpointId: { in: [local.id, metadata.id] } } });
        return all.length === 2 && all.every((row) => row.status === "failed") && all;
      });
      const byEndpoint = Object.fromEntries(rows.map((row) => [row.endpointId, row.lastError]));
      expect(byEndpoint[local.id]).toMatch(/Refused to connect to 127\.0\.0\.1: it is a loopback address/);
      expect(byEndpoint[metadata.id]).toMatch(/Refused to connect to 169\.254\.169\.254: it is a cloud metadata service address/);
      expect(rx.requests).toHaveLength(0);
    } finally {
      await strict.stop();
      worker = startTestWorker(db());
    }
  });

  it("signs with both the new and the previous secret for 24 hours after a rotation", async () => {
    const rx = await receiver();
    const ep = await endpoint(rx.url);
    const rotated = await rotateWebhookSecret(admins.ian, ep.id);
    expect(rotated.secret).not.toBe(ep.secret);
    expect(rotated.previousSecretExpiresAt!.getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    await newUser();
    const [request] = await rx.waitFor(1);
    const signatures = String(request.headers["webhook-signature"]).split(" ");
    expect(signatures).toHaveLength(2);
    const headers = request.headers as Record<string, string>;
    expect(() => new Webhook(rotated.secret).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(ep.secret).verify(request.body, headers)).not.toThrow();
  });

  it("disables an endpoint that fails every attempt for longer than the configured period", async () => {
    const rx = await receiver(() => ({ status: 503 }));
    const ep = await endpoint(rx.url);
    const impatient = startTestWorker(db(), { disableAfterMs: 150, retryScheduleMs: [0, 100, 100, 100, 100, 100] });
    await worker.stop();
    try {
      await newUser();
      const row = await eventually(async () => {
        const current = await db().prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: ep.id } });
        return !current.enabled && current;
      }, 5000, "the endpoint to be disabled");
      expect(row.disabledReason).toMatch(/every delivery attempt failed for more than 150ms/);
      expect(row.disabledAt).toBeInstanceOf(Date);
      // No new deliveries for a disabled endpoint.
      const before = await db().prisma.delivery.count({ where: { endpointId: ep.id } });
      const later = await newUser();
      await eventsDispatchedFor(db().prisma, later.user_id);
      expect(await db().prisma.delivery.count({ where: { endpointId: ep.id } })).toBe(before);
      const enabled = await updateWebhookEndpoint(admins.ian, ep.id, { enabled: true });
      expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    } finally {
      await impatient.stop();
      worker = startTestWorker(db());
    }
  });

  it("a redelivery starts a fresh retry schedule: a delivery that used up its attempts gets all of them again", async () => {
    const rx = await receiver(() => ({ status: 503 }));
    const ep = await endpoint(rx.url);
    // Three attempts in a schedule (0, 20, 20 ms), then the delivery fails for good.
    const short = startTestWorker(db(), { retryScheduleMs: [0, 20, 20] });
    await worker.stop();
    try {
      await newUser();
      const [failed] = await eventually(async () => {
        const rows = await deliveriesOf(ep.id);
        return rows[0]?.status === "failed" && rows;
      });
      expect(failed.attempts).toHaveLength(3);
      await redeliverDelivery(admins.ian, failed.id);
      const [again] = await eventually(async () => {
        const rows = await deliveriesOf(ep.id);
        return rows[0]?.status === "failed" && rows[0].attempts.length > 3 && rows;
      });
      // Three more, numbered on: not one attempt counted against the schedule already used up.
      expect(again.attempts.map((attempt) => attempt.attemptNumber)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(rx.requests).toHaveLength(6);
    } finally {
      await short.stop();
      worker = startTestWorker(db());
    }
  });

  it("sends nothing for a create that fails", async () => {
    const rx = await receiver();
    const ep = await endpoint(rx.url);
    await newUser({ email: "dup@example.com" });
    await rx.waitFor(1);
    const events = await db().prisma.event.count();
    const error = await newUser({ email: "dup@example.com" }).catch((e) => e);
    expect(error.status).toBe(409);
    expect(await db().prisma.event.count()).toBe(events);
    // Positive marker: a later registration is delivered, so anything sent for the failed one would be too.
    const sentinel = await newUser();
    const requests = await rx.waitFor(2);
    expect(requests.map((request) => JSON.parse(request.body).event.user.email)).toEqual(["dup@example.com", sentinel.email]);
    expect(await db().prisma.delivery.count({ where: { endpointId: ep.id } })).toBe(2);
  });
});
