import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { createRestHookSubscription } from "@/lib/rest-hooks/create-subscription";
import { deleteRestHookSubscription } from "@/lib/rest-hooks/delete-subscription";
import { getRestHookSubscription, listRestHookSubscriptionsWithCreators } from "@/lib/rest-hooks/list-subscriptions-with-creators";
import { createRestHookSubscriptionSchema, createWebhookEndpointSchema, listDeliveriesSchema } from "@/lib/schemas/webhook";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { authenticateApiToken, createApiToken, revokeApiToken } from "@/lib/tokens/api-tokens";
import { createUser } from "@/lib/users/create-user";
import { lastAttemptDurations } from "@/lib/webhooks/attempt-durations";
import { createWebhookEndpoint } from "@/lib/webhooks/create-endpoint";
import { isDisabledAutomatically } from "@/lib/webhooks/disabled-reason";
import { lastDeliveryByEndpoint } from "@/lib/webhooks/last-deliveries";
import { listDeliveries } from "@/lib/webhooks/list-deliveries";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { eventually, startReceiver, type Receiver } from "../delivery/support/receiver";
import { startTestWorker } from "../delivery/support/worker";

/* The console's summaries beside the webhook use cases: last delivery per endpoint, attempt durations, subscription creators. */

process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let rx: Receiver;
let worker: DeliveryWorker;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
  rx = await startReceiver((request) => ({ status: request.path === "/fail" ? 500 : 200, body: "ok" }));
  worker = startTestWorker(db(), { retryScheduleMs: [0] });
});
afterAll(async () => {
  await worker.stop();
  await rx.close();
});

let counter = 0;
const register = () =>
  createUser(
    admins.ian,
    createUserSchema.parse({ email: `summary${++counter}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] }),
  );

const endpoint = (path: string) =>
  createWebhookEndpoint(admins.ian, createWebhookEndpointSchema.parse({ url: `${rx.url}${path}`, eventTypes: ["user.registration.create.complete"] }));

describe("console summaries", () => {
  it("gives each endpoint its newest delivery and each delivery its last attempt's duration", async () => {
    const ok = await endpoint("/ok");
    const failing = await endpoint("/fail");
    await register();
    await register();
    const settled = async () => {
      const pages = await Promise.all(
        [ok, failing].map((e) => listDeliveries(admins.ian, { endpointId: e.id }, listDeliveriesSchema.parse({}))),
      );
      return pages.every((page) => page.total === 2 && page.deliveries.length === 2 && page.deliveries.every((d) => d.status === "succeeded" || d.status === "failed")) && pages;
    };
    const [okPage, failingPage] = await eventually(settled, 10_000, "deliveries settled");
    // Added after the events were fanned out: it has no delivery.
    const idle = await endpoint("/idle");

    const last = await lastDeliveryByEndpoint(admins.ian, [ok.id, failing.id, idle.id]);
    expect(last.get(ok.id)).toMatchObject({ id: okPage.deliveries[0].id, status: "succeeded", lastStatusCode: 200 });
    expect(last.get(failing.id)).toMatchObject({ id: failingPage.deliveries[0].id, status: "failed", lastStatusCode: 500 });
    expect(last.has(idle.id)).toBe(false);
    expect(await lastDeliveryByEndpoint(admins.ian, [])).toEqual(new Map());

    const ids = [...okPage.deliveries, ...failingPage.deliveries].map((d) => d.id);
    const durations = await lastAttemptDurations(admins.ian, ids);
    expect([...durations.keys()].sort()).toEqual([...ids].sort());
    for (const ms of durations.values()) expect(ms).toBeGreaterThanOrEqual(0);

    await expect(lastDeliveryByEndpoint(admins.aud, [ok.id])).rejects.toMatchObject({ code: "forbidden" });
    await expect(lastAttemptDurations(admins.kelly, ids)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("names the API token that created each subscription, and keeps removed ones with why", async () => {
    const { token, summary } = await createApiToken(admins.ian, { name: "Zapier" });
    const viaToken = await authenticateApiToken(token, {});
    const kept = await createRestHookSubscription(viaToken, createRestHookSubscriptionSchema.parse({ url: `${rx.url}/kept` }));
    const removed = await createRestHookSubscription(viaToken, createRestHookSubscriptionSchema.parse({ url: `${rx.url}/removed` }));
    const fromConsole = await createRestHookSubscription(admins.ian, createRestHookSubscriptionSchema.parse({ url: `${rx.url}/console` }));
    await deleteRestHookSubscription(admins.ian, removed.id);
    await revokeApiToken(admins.ian, summary.id);

    const rows = await listRestHookSubscriptionsWithCreators(admins.ian);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(kept.id)?.createdBy).toEqual({ tokenId: summary.id, name: "Zapier", prefix: summary.prefix, adminEmail: "ian@example.com", revoked: true });
    expect(byId.get(fromConsole.id)?.createdBy).toBeNull();
    expect(byId.get(removed.id)).toMatchObject({ deletedReason: expect.stringContaining("ian@example.com") });
    expect(rows.findIndex((row) => row.id === removed.id)).toBeGreaterThan(rows.findIndex((row) => row.id === kept.id));

    expect(await getRestHookSubscription(admins.ian, removed.id)).toMatchObject({ id: removed.id, url: `${rx.url}/removed` });
    expect(await getRestHookSubscription(admins.ian, "999999")).toBeNull();
    expect(await getRestHookSubscription(admins.ian, "abc")).toBeNull();
    await expect(listRestHookSubscriptionsWithCreators(admins.olga)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("tells an automatic disabling from an admin's", () => {
    expect(isDisabledAutomatically({ enabled: false, disabledReason: "Disabled automatically: every delivery attempt failed for more than 5d." })).toBe(true);
    expect(isDisabledAutomatically({ enabled: false, disabledReason: "Disabled by ian@example.com." })).toBe(false);
    expect(isDisabledAutomatically({ enabled: true, disabledReason: null })).toBe(false);
  });
});
