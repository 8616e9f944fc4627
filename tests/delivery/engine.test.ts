import { Prisma } from "@/lib/generated/prisma/client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { REGISTRATION_EVENT } from "@/lib/events/types";
import { nextStep, outcomeFromHttp, parseRetryAfter } from "@/lib/delivery/outcome";
import {
  getDeliveryHandler,
  registerDeliveryHandler,
  unregisterDeliveryHandler,
  type DestinationJobs,
  type PostRegistrationHandler,
} from "@/lib/delivery/registry";
import { claimDueDeliveries, completeAttempts, dispatchEvents } from "@/lib/delivery/store";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { eventually } from "./support/receiver";
import { startTestWorker } from "./support/worker";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
});
afterEach(async () => {
  unregisterDeliveryHandler("post_registration");
  await db().prisma.event.deleteMany({});
  await db().prisma.webhookEndpoint.deleteMany({});
  await db().prisma.restHookSubscription.deleteMany({});
});

let counter = 0;
const register = () =>
  createUser(
    admins.ian,
    createUserSchema.parse({ email: `engine${++counter}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] }),
  );

const endpointRow = (eventTypes: string[], enabled = true) =>
  db().prisma.webhookEndpoint.create({
    data: { url: "http://127.0.0.1:9/none", eventTypes, enabled, secret: "whsec_" + Buffer.alloc(32, 1).toString("base64") },
  });

const noPostRegistration = { limit: 100, postRegistrationWhen: null };

describe("fan-out", () => {
  it("creates one delivery per subscribed enabled endpoint and active REST hook subscription, once", async () => {
    const registrations = await endpointRow([REGISTRATION_EVENT]);
    const everything = await endpointRow([REGISTRATION_EVENT, "user.create.complete", "user.update.complete"]);
    await endpointRow([REGISTRATION_EVENT], false);
    const subscription = await db().prisma.restHookSubscription.create({ data: { url: "http://127.0.0.1:9/rest" } });
    await db().prisma.restHookSubscription.create({ data: { url: "http://127.0.0.1:9/gone", deletedAt: new Date() } });
    await register();

    expect(await dispatchEvents(db().prisma, noPostRegistration)).toEqual({ events: 2, deliveries: 4 });
    expect(await dispatchEvents(db().prisma, noPostRegistration)).toEqual({ events: 0, deliveries: 0 });
    const deliveries = await db().prisma.delivery.findMany({ include: { event: true } });
    const summary = deliveries.map((d) => `${d.destination}:${d.endpointId ?? d.subscriptionId}:${d.event.type}`).sort();
    expect(summary).toEqual(
      [
        `rest_hook:${subscription.id}:${REGISTRATION_EVENT}`,
        `webhook:${everything.id}:${REGISTRATION_EVENT}`,
        `webhook:${everything.id}:user.create.complete`,
        `webhook:${registrations.id}:${REGISTRATION_EVENT}`,
      ].sort(),
    );
    expect(deliveries.every((d) => d.status === "pending" && d.attemptCount === 0)).toBe(true);
    expect(await db().prisma.event.count({ where: { dispatchedAt: null } })).toBe(0);
  });

  it("is idempotent when two dispatchers race, and a re-run fan-out adds nothing", async () => {
    await endpointRow([REGISTRATION_EVENT, "user.create.complete"]);
    for (let i = 0; i < 10; i++) await register();
    const results = await Promise.all([dispatchEvents(db().prisma, { ...noPostRegistration, limit: 7 }), dispatchEvents(db().prisma, { ...noPostRegistration, limit: 7 })]);
    await dispatchEvents(db().prisma, noPostRegistration);
    expect(results.reduce((sum, r) => sum + r.events, 0)).toBeLessThanOrEqual(20);
    expect(await db().prisma.delivery.count()).toBe(20);
    await db().prisma.event.updateMany({ data: { dispatchedAt: null } });
    expect(await dispatchEvents(db().prisma, noPostRegistration)).toEqual({ events: 20, deliveries: 0 });
    expect(await db().prisma.delivery.count()).toBe(20);
  });

  it("creates post_registration deliveries only while a registered handler is active, and runs it with the typed event", async () => {
    await register();
    await dispatchEvents(db().prisma, noPostRegistration);
    expect(await db().prisma.delivery.count({ where: { destination: "post_registration" } })).toBe(0);
    expect(getDeliveryHandler("post_registration")).toBeUndefined();

    const seen: DestinationJobs["post_registration"][] = [];
    const handler: PostRegistrationHandler = {
      activeWhen: Prisma.sql`true`,
      deliver: async (job) => {
        seen.push(job);
        return { attempted: true, succeeded: true, retryable: false, statusCode: null, responseBody: null, error: null, durationMs: 1 };
      },
    };
    registerDeliveryHandler("post_registration", handler);
    const worker = startTestWorker(db());
    try {
      const user = await register();
      await eventually(async () => seen.length === 1, 5000, "the post-registration handler");
      expect(seen[0].event.type).toBe(REGISTRATION_EVENT);
      expect(seen[0].event.payload.event.registration.applicationId).toBeTruthy();
      expect(seen[0].event.payload.event.user.id).toBe(user.user_id);
      expect(seen[0].attemptNumber).toBe(1);
      const delivery = await eventually(async () => {
        const row = await db().prisma.delivery.findFirst({ where: { destination: "post_registration", status: "succeeded" } });
        return row;
      });
      expect(delivery.eventId).toBe(seen[0].event.id);
    } finally {
      await worker.stop();
    }
  });
});

describe("claims and leases", () => {
  it("never hands one delivery to two claimers, takes over expired leases, and ignores outcomes of a lost lease", async () => {
    await endpointRow([REGISTRATION_EVENT, "user.create.complete"]);
    for (let i = 0; i < 15; i++) await register();
    await dispatchEvents(db().prisma, noPostRegistration);

    const claims = await Promise.all([1, 2, 3].map(() => claimDueDeliveries(db().prisma, { limit: 12, leaseMarginMs: 0 })));
    const ids = claims.flat().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(30);
    expect(await claimDueDeliveries(db().prisma, { limit: 100, leaseMarginMs: 0 })).toEqual([]);

    const first = claims.flat()[0];
    expect(first.endpoint?.url).toBe("http://127.0.0.1:9/none");
    expect(first.event.payload.event.id).toBe(first.event.id);
    await db().prisma.$executeRaw`UPDATE deliveries SET locked_until = locked_until - interval '1 hour' WHERE id = ${first.id}::uuid`;
    const [takenOver] = await claimDueDeliveries(db().prisma, { limit: 100, leaseMarginMs: 0 });
    expect(takenOver.id).toBe(first.id);
    expect(takenOver.leaseToken).not.toBe(first.leaseToken);

    const outcome = { attempted: true, succeeded: true, retryable: false, statusCode: 200, responseBody: "late", error: null, durationMs: 5 };
    const complete = (claim: typeof first) =>
      completeAttempts(db().prisma, [{ claim, outcome, step: { status: "succeeded" }, startedAt: new Date() }], { disableAfterMs: 1000 });
    expect((await complete(first)).recorded.size).toBe(0);
    expect((await complete(takenOver)).recorded).toEqual(new Set([first.id]));
    const row = await db().prisma.delivery.findUniqueOrThrow({ where: { id: first.id }, include: { attempts: true } });
    expect(row).toMatchObject({ status: "succeeded", attemptCount: 1, lockedUntil: null, leaseToken: null });
    // Both requests happened, so both are in the log.
    expect(row.attempts).toHaveLength(2);
  });
});

describe("retry decisions", () => {
  const http = (statusCode: number | null, extra: Partial<Parameters<typeof outcomeFromHttp>[0]> = {}) =>
    outcomeFromHttp({ statusCode, body: "", headers: {}, durationMs: 1, error: null, errorKind: null, ...extra });

  it("retries network errors, timeouts, 5xx, 408 and 429; fails 3xx, other 4xx and refused addresses at once", () => {
    for (const status of [500, 502, 503, 408, 429]) expect(http(status).retryable, String(status)).toBe(true);
    for (const status of [301, 302, 307, 400, 401, 403, 404, 410, 422]) expect(http(status).retryable, String(status)).toBe(false);
    expect(http(null, { error: "reset", errorKind: "network" }).retryable).toBe(true);
    expect(http(null, { error: "slow", errorKind: "timeout" }).retryable).toBe(true);
    expect(http(null, { error: "private", errorKind: "refused" }).retryable).toBe(false);
    expect(http(204).succeeded).toBe(true);
  });

  it("follows the schedule with jitter, honours Retry-After, and stops after the last attempt", () => {
    const settings = { retryScheduleMs: [0, 5000, 300_000] };
    const failure = http(503);
    expect(nextStep(failure, 1, settings, () => 0.5)).toEqual({ status: "pending", delayMs: 5000 });
    expect(nextStep(failure, 1, settings, () => 0)).toEqual({ status: "pending", delayMs: 4500 });
    expect(nextStep(failure, 2, settings, () => 1)).toEqual({ status: "pending", delayMs: 330_000 });
    expect(nextStep(failure, 3, settings)).toEqual({ status: "failed" });
    expect(nextStep({ ...failure, retryAfterMs: 60_000 }, 1, settings, () => 0.5)).toEqual({ status: "pending", delayMs: 60_000 });
    expect(nextStep(http(200), 1, settings)).toEqual({ status: "succeeded" });
    expect(parseRetryAfter("120")).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(28_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("the worker", () => {
  it("stops gracefully, waiting for the delivery in flight", async () => {
    const { startReceiver } = await import("./support/receiver");
    const rx = await startReceiver(() => ({ status: 200, delayMs: 400 }));
    await db().prisma.webhookEndpoint.create({
      data: { url: rx.url, eventTypes: [REGISTRATION_EVENT], secret: "whsec_" + Buffer.alloc(32, 2).toString("base64") },
    });
    const worker = startTestWorker(db());
    try {
      await register();
      await rx.waitFor(1);
      expect(worker.stats().inFlight).toBe(1);
      await worker.stop();
      expect(worker.stats()).toMatchObject({ inFlight: 0, succeeded: 1 });
      expect(await db().prisma.delivery.findFirstOrThrow()).toMatchObject({ status: "succeeded" });
      await register();
      // Positive marker: a new worker delivers the second event; the stopped one took no part in it.
      const successor = startTestWorker(db());
      try {
        await rx.waitFor(2);
        await successor.stop();
        expect(successor.stats()).toMatchObject({ succeeded: 1 });
        expect(worker.stats()).toMatchObject({ inFlight: 0, succeeded: 1 });
        expect(rx.requests).toHaveLength(2);
      } finally {
        await successor.stop();
      }
    } finally {
      await worker.stop();
      await rx.close();
    }
  });
});
