import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { retryOnDeadlock } from "@/lib/delivery/store";
import { Webhook } from "standardwebhooks";
import type { Actor } from "@/lib/auth/actor";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { listRestHookSubscriptions } from "@/lib/rest-hooks/list-subscriptions";
import { createRestHookSubscription } from "@/lib/rest-hooks/create-subscription";
import { deleteRestHookSubscription } from "@/lib/rest-hooks/delete-subscription";
import {
  createRestHookSubscriptionSchema,
  createWebhookEndpointSchema,
  listDeliveriesSchema,
  updateWebhookEndpointSchema,
} from "@/lib/schemas/webhook";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { createWebhookEndpoint } from "@/lib/webhooks/create-endpoint";
import { deleteWebhookEndpoint } from "@/lib/webhooks/delete-endpoint";
import { getDeliverySettings, updateDeliverySettings } from "@/lib/webhooks/delivery-settings";
import { getExampleEvent } from "@/lib/webhooks/example-event";
import { getDeliveryDetails, listDeliveries } from "@/lib/webhooks/list-deliveries";
import { getWebhookEndpoint, listWebhookEndpoints } from "@/lib/webhooks/list-endpoints";
import { redeliverDelivery, redeliverFailedSince } from "@/lib/webhooks/redeliver";
import { sendTestEvent } from "@/lib/webhooks/send-test-event";
import { updateWebhookEndpoint } from "@/lib/webhooks/update-endpoint";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { eventually, startReceiver, type Receiver } from "../delivery/support/receiver";
import { startTestWorker } from "../delivery/support/worker";

process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let rx: Receiver;
let worker: DeliveryWorker;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
  worker = startTestWorker(db());
});
afterAll(async () => {
  await worker.stop();
});
// A receiver of its own for each test: another test's deliveries (and their retries) never reach it.
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(async () => {
  await rx.close();
  await retryOnDeadlock(() => db().prisma.webhookEndpoint.deleteMany({}));
});

const create = (input: Record<string, unknown>, actor = admins.ian) =>
  createWebhookEndpoint(actor, createWebhookEndpointSchema.parse(input));

let counter = 0;
const register = () =>
  createUser(
    admins.ian,
    createUserSchema.parse({ email: `ep${++counter}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] }),
  );

describe("webhook endpoints", () => {
  it("creates, lists, updates and deletes an endpoint; the password is write-only and every change is audited", async () => {
    // This test's own audit entries: those written since it started (tests run one at a time).
    const started = new Date(Date.now() - 1);
    const created = await create({
      url: `${rx.url}/a`,
      description: "CRM",
      eventTypes: ["user.registration.create.complete", "user.update.complete"],
      headers: { "X-Tenant": "acme" },
      basicAuthUsername: "crm",
      basicAuthPassword: "hunter2",
      connectTimeoutMs: 2000,
      readTimeoutMs: 4000,
    });
    expect(created).toMatchObject({
      url: `${rx.url}/a`,
      description: "CRM",
      headers: { "x-tenant": "acme" },
      basicAuthUsername: "crm",
      hasBasicAuthPassword: true,
      connectTimeoutMs: 2000,
      readTimeoutMs: 4000,
      enabled: true,
      disabledReason: null,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify(created)).not.toContain("hunter2");
    expect(JSON.stringify(await listWebhookEndpoints(admins.ian))).not.toContain("hunter2");

    const kept = await updateWebhookEndpoint(admins.ian, created.id, updateWebhookEndpointSchema.parse({ description: "CRM v2" }));
    expect(kept.hasBasicAuthPassword).toBe(true);
    expect((await db().prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).basicAuthPassword).toBe("hunter2");
    const cleared = await updateWebhookEndpoint(admins.ian, created.id, updateWebhookEndpointSchema.parse({ basicAuthPassword: "" }));
    expect(cleared.hasBasicAuthPassword).toBe(false);

    const disabled = await updateWebhookEndpoint(admins.ian, created.id, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "Disabled by ian@example.com." });
    expect((await getWebhookEndpoint(admins.ian, created.id)).enabled).toBe(false);

    await deleteWebhookEndpoint(admins.ian, created.id);
    expect((await getWebhookEndpoint(admins.ian, created.id).catch((e) => e)).status).toBe(404);
    const actions = (
      await db().prisma.auditLog.findMany({ where: { action: { startsWith: "webhook." }, createdAt: { gte: started } }, orderBy: { createdAt: "asc" } })
    ).map(
      (entry) => `${entry.action}:${entry.result}`,
    );
    expect(actions).toEqual([
      "webhook.create:success",
      "webhook.update:success",
      "webhook.update:success",
      "webhook.update:success",
      "webhook.delete:success",
    ]);
    const audits = await db().prisma.auditLog.findMany({ where: { action: { startsWith: "webhook." } } });
    expect(JSON.stringify(audits)).not.toMatch(/hunter2|whsec_/);
  });

  it("requires config:manage, and refuses bad input with field errors", async () => {
    for (const actor of [admins.kelly, admins.olga, admins.aud]) {
      expect((await create({ url: rx.url, eventTypes: ["user.create.complete"] }, actor).catch((e) => e)).status).toBe(403);
      expect((await listWebhookEndpoints(actor).catch((e) => e)).status).toBe(403);
    }
    const failure = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "webhook.create", result: "failure" } });
    expect(failure.errorMessage).toBe("Only Administrators can change the configuration.");

    const parse = (input: Record<string, unknown>) => createWebhookEndpointSchema.safeParse(input);
    expect(parse({ url: "ftp://x", eventTypes: ["user.create.complete"] }).error?.issues[0].message).toMatch(/https:\/\//);
    expect(parse({ url: "https://u:p@x.example", eventTypes: ["user.create.complete"] }).error?.issues[0].message).toMatch(/credentials/);
    expect(parse({ url: "https://x.example", eventTypes: [] }).error?.issues[0].message).toBe("Choose at least one event.");
    expect(parse({ url: "https://x.example", eventTypes: ["user.nope"] }).success).toBe(false);
    expect(parse({ url: "https://x.example", eventTypes: ["user.create.complete"], headers: { "Webhook-Id": "x" } }).error?.issues[0].message).toMatch(
      /set by Delegate/,
    );
    expect(parse({ url: "https://x.example", eventTypes: ["user.create.complete"], headers: { "X-A": "a\r\nb" } }).success).toBe(false);
    expect(parse({ url: "https://x.example", eventTypes: ["user.create.complete"], readTimeoutMs: 10 }).success).toBe(false);

    const metadata = await create({ url: "http://169.254.169.254/latest", eventTypes: ["user.create.complete"] }).catch((e) => e);
    expect(metadata.status).toBe(400);
    expect(metadata.fieldErrors.url).toMatch(/169\.254\.169\.254 is a cloud metadata service address/);
    expect((await getWebhookEndpoint(admins.ian, "nope").catch((e) => e)).status).toBe(404);
  });

  it("sends an editable test event and returns the receiver's answer", async () => {
    const started = new Date(Date.now() - 1);
    const endpoint = await create({ url: `${rx.url}/test`, eventTypes: ["user.create.complete"] });
    rx.respond(() => ({ status: 202, body: "accepted" }));
    const example = await getExampleEvent(admins.ian, "user.registration.create.complete");
    expect(example.event.type).toBe("user.registration.create.complete");
    const result = await sendTestEvent(admins.ian, endpoint.id, { eventType: "user.registration.create.complete" });
    expect(result).toMatchObject({ succeeded: true, statusCode: 202, responseBody: "accepted", error: null });
    expect(result.durationMs).toBeGreaterThan(0);
    const request = rx.requests.at(-1)!;
    expect(request.path).toBe("/test");
    const verified = new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>) as typeof example;
    expect(verified.event.type).toBe("user.registration.create.complete");
    expect(request.headers["webhook-id"]).toBe(verified.event.id);

    const edited = { event: { ...example.event, id: "test-1", user: { ...example.event.user, email: "edited@example.com" } } };
    rx.respond(() => ({ status: 500, body: "boom" }));
    const failed = await sendTestEvent(admins.ian, endpoint.id, { eventType: "user.create.complete", payload: edited });
    expect(failed).toMatchObject({ succeeded: false, statusCode: 500, responseBody: "boom", messageId: "test-1" });
    expect(JSON.parse(rx.requests.at(-1)!.body).event.user.email).toBe("edited@example.com");
    rx.respond(() => ({ status: 200, body: "ok" }));
    expect(await db().prisma.auditLog.count({ where: { action: "webhook.test", result: "success", createdAt: { gte: started } } })).toBe(2);
  });

  it("lists deliveries with filters and attempts, redelivers one, and redelivers every failure since a time", async () => {
    const endpoint = await create({ url: `${rx.url}/log`, eventTypes: ["user.registration.create.complete", "user.create.complete"] });
    rx.respond((request) => (request.path === "/log" ? { status: 400, body: "bad" } : { status: 200 }));
    const since = new Date(Date.now() - 1000);
    await register();
    await register();
    const all = await eventually(async () => {
      const page = await listDeliveries(admins.ian, { endpointId: endpoint.id }, listDeliveriesSchema.parse({}));
      return page.total === 4 && page.deliveries.length === 4 && page.deliveries.every((d) => d.status === "failed") && page;
    });
    expect(all.deliveries[0]).toMatchObject({ status: "failed", attemptCount: 1, lastStatusCode: 400, destination: "webhook" });

    const registrations = await listDeliveries(
      admins.ian,
      { endpointId: endpoint.id },
      listDeliveriesSchema.parse({ eventType: "user.registration.create.complete", status: "failed", per_page: "1" }),
    );
    expect(registrations).toMatchObject({ total: 2, perPage: 1 });
    expect(registrations.deliveries).toHaveLength(1);
    const future = await listDeliveries(admins.ian, { endpointId: endpoint.id }, listDeliveriesSchema.parse({ since: "2999-01-01T00:00" }));
    expect(future.total).toBe(0);
    expect(listDeliveriesSchema.safeParse({ status: "weird" }).success).toBe(false);

    const details = await getDeliveryDetails(admins.ian, all.deliveries[0].id);
    expect(details.attempts).toEqual([expect.objectContaining({ attemptNumber: 1, statusCode: 400, responseBody: "bad", succeeded: false })]);
    expect((details.payload as { event: { id: string } }).event.id).toBe(all.deliveries[0].eventId);

    rx.respond(() => ({ status: 200, body: "fixed" }));
    await redeliverDelivery(admins.ian, all.deliveries[0].id);
    const redelivered = await eventually(async () => {
      const current = await getDeliveryDetails(admins.ian, all.deliveries[0].id);
      return current.delivery.status === "succeeded" && current;
    });
    expect(redelivered.attempts.map((a) => [a.attemptNumber, a.statusCode])).toEqual([
      [1, 400],
      [2, 200],
    ]);

    expect(await redeliverFailedSince(admins.ian, endpoint.id, { since })).toEqual({ count: 3 });
    await eventually(async () => {
      const page = await listDeliveries(admins.ian, { endpointId: endpoint.id }, listDeliveriesSchema.parse({ status: "succeeded" }));
      return page.total === 4;
    });
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "webhook.redeliver_failed" } });
    expect(audit.details).toMatchObject({ count: 3 });

    await updateWebhookEndpoint(admins.ian, endpoint.id, { enabled: false });
    expect((await redeliverDelivery(admins.ian, all.deliveries[0].id).catch((e) => e)).message).toMatch(/enable it first/);
    expect((await redeliverFailedSince(admins.ian, endpoint.id, { since }).catch((e) => e)).status).toBe(409);
    expect((await redeliverDelivery(admins.kelly, all.deliveries[0].id).catch((e) => e)).status).toBe(403);
    expect((await redeliverDelivery(admins.ian, "nope").catch((e) => e)).status).toBe(404);
  });

  it("lists and removes REST hook subscriptions in the console, without their authorization token", async () => {
    const created = await createRestHookSubscription(
      admins.ian,
      createRestHookSubscriptionSchema.parse({ url: "https://hooks.example.com/1", authorization_token: "tok" }),
    );
    const listed = await listRestHookSubscriptions(admins.ian);
    expect(listed).toEqual([expect.objectContaining({ id: created.id, url: "https://hooks.example.com/1", hasAuthorizationToken: true, deletedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain("tok\"");
    await deleteRestHookSubscription(admins.ian, created.id);
    expect(await listRestHookSubscriptions(admins.ian)).toEqual([]);
    const removed = await listRestHookSubscriptions(admins.ian, { includeRemoved: true });
    expect(removed[0].deletedReason).toBe("Removed through the console by ian@example.com.");
    expect((await listRestHookSubscriptions(admins.olga).catch((e) => e)).status).toBe(403);
  });

  it("keeps delivery settings: the allowlist adds to the environment's, the schedule and disable period override it", async () => {
    const initial = await getDeliverySettings(admins.ian);
    expect(initial.effective).toEqual({
      retrySchedule: ["0ms", "5s", "5m", "30m", "2h", "5h", "10h", "10h"],
      disableAfter: "5d",
      outboundAllowlist: ["127.0.0.1"],
    });
    const saved = await updateDeliverySettings(admins.ian, { outboundAllowlist: ["hooks.internal"], retrySchedule: ["0", "1m"], disableAfter: "1d" });
    expect(saved.effective).toEqual({ retrySchedule: ["0ms", "1m"], disableAfter: "1d", outboundAllowlist: ["127.0.0.1", "hooks.internal"] });
    const reset = await updateDeliverySettings(admins.ian, { retrySchedule: null });
    expect(reset.effective.retrySchedule).toHaveLength(8);
    expect(reset.saved).toEqual({ outboundAllowlist: ["hooks.internal"], disableAfter: "1d" });
    expect((await updateDeliverySettings(admins.kelly, {}).catch((e) => e)).status).toBe(403);
  });
});
