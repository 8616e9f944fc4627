import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import type { Actor } from "@/lib/auth/actor";
import { resetConfigForTests } from "@/lib/config";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { createRestHookSubscription } from "@/lib/rest-hooks/create-subscription";
import { formatRestHookTime } from "@/lib/rest-hooks/payload";
import { getRestHookSigningSecret, rotateRestHookSigningSecret } from "@/lib/rest-hooks/signing-secret";
import { createRestHookSubscriptionSchema } from "@/lib/schemas/webhook";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { eventsDispatchedFor, eventually, startReceiver, type Receiver } from "../delivery/support/receiver";
import { startTestWorker } from "../delivery/support/worker";

process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";
process.env.DELEGATE_PUBLIC_URL = "https://community.acme.org:8443";
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let worker: DeliveryWorker;
const receivers: Receiver[] = [];

beforeAll(async () => {
  resetConfigForTests();
  admins = await seedAndLoadAdmins(db(), 2);
  worker = startTestWorker(db());
});
afterAll(async () => {
  await worker.stop();
});
afterEach(async () => {
  // Every event of this test is fanned out before the next test subscribes: none reaches its subscriber.
  await eventually(async () => (await db().prisma.event.count({ where: { dispatchedAt: null } })) === 0, 30_000, "every event to be dispatched");
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  await db().prisma.restHookSubscription.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date() } });
});

async function subscriber(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

const subscribe = (url: string, token?: string) =>
  createRestHookSubscription(admins.ian, createRestHookSubscriptionSchema.parse({ url, authorization_token: token }));

let counter = 0;
const register = (overrides: Record<string, unknown> = {}) =>
  createUser(
    admins.ian,
    createUserSchema.parse({
      email: `joe.smith${++counter}@smiths.com`,
      password: "Correct-horse-1",
      connection: DEMO_CONNECTION,
      memberships: ["IT"],
      name: "Joe Smith",
      given_name: "Joe",
      family_name: "Smith",
      email_verified: true,
      user_metadata: { title: "Tree Surgeon", professional_reg_number: "ABC1234", company: "Palm Trees Inc.", country: "US" },
      ...overrides,
    }),
  );

describe("User Registered REST hook delivery (seed 002)", () => {
  it("posts the seed's body and headers to each subscriber, signed with the REST hook secret", async () => {
    const rx = await subscriber();
    await subscribe(`${rx.url}/catch`, "abcdefg");
    const user = await register();
    const [request] = await rx.waitFor(1);

    expect(request.path).toBe("/catch");
    expect(request.headers.accept).toBe("application/json");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-zapnito-hostname"]).toBe("community.acme.org");
    expect(request.headers.authorization).toBe("Token token=abcdefg");

    const body = JSON.parse(request.body);
    const created = formatRestHookTime(new Date(user.created_at).getTime());
    expect(created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(body).toEqual({
      name: "Joe Smith",
      first_name: "Joe",
      last_name: "Smith",
      email: user.email,
      title: "Tree Surgeon",
      professional_reg_number: "ABC1234",
      company: "Palm Trees Inc.",
      country: "US",
      type: "Person",
      created_at: created,
      updated_at: formatRestHookTime(new Date(user.updated_at).getTime()),
      confirmed: "true",
      confirmed_at: created,
    });
    expect(Object.keys(body)).toEqual([
      "name", "first_name", "last_name", "email", "title", "professional_reg_number", "company", "country",
      "type", "created_at", "updated_at", "confirmed", "confirmed_at",
    ]);

    const { secret } = await getRestHookSigningSecret(admins.ian);
    expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    const event = await db().prisma.event.findFirstOrThrow({
      where: { type: "user.registration.create.complete", payload: { path: ["event", "user", "id"], equals: user.user_id } },
    });
    expect(request.headers["webhook-id"]).toBe(event.id);
  });

  it("sends nulls for what the user does not have, no Authorization without a token, and only registrations", async () => {
    const rx = await subscriber();
    await subscribe(rx.url);
    const user = await register({ name: null, given_name: null, family_name: null, email_verified: false, user_metadata: {} });
    const [request] = await rx.waitFor(1);
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body)).toMatchObject({
      name: null, first_name: null, last_name: null, title: null, company: null, country: null,
      confirmed: "false", confirmed_at: null,
    });
    await updateUser(admins.ian, user.user_id, { name: "Changed" });
    // Positive marker: the update's event has been fanned out; it made no REST hook delivery.
    await eventsDispatchedFor(db().prisma, user.user_id);
    expect(await db().prisma.delivery.count({ where: { destination: "rest_hook", event: { type: { not: "user.registration.create.complete" } } } })).toBe(0);
    expect(rx.requests).toHaveLength(1);
  });

  it("unsubscribes a subscriber that answers 410 Gone", async () => {
    const rx = await subscriber(() => ({ status: 410 }));
    const subscription = await subscribe(rx.url);
    await register();
    await rx.waitFor(1);
    const row = await eventually(async () => {
      const current = await db().prisma.restHookSubscription.findUniqueOrThrow({ where: { id: Number(subscription.id) } });
      return current.deletedAt && current;
    });
    expect(row.deletedReason).toBe("The subscriber answered 410 Gone.");
    const delivery = await eventually(async () => {
      const found = await db().prisma.delivery.findFirst({ where: { subscriptionId: row.id } });
      return found?.status === "failed" && found;
    });
    expect(delivery.lastError).toMatch(/410 Gone. The subscription was removed/);
    const later = await register();
    await eventsDispatchedFor(db().prisma, later.user_id);
    expect(rx.requests).toHaveLength(1);
    expect(await db().prisma.delivery.count({ where: { subscriptionId: row.id } })).toBe(1);
  });

  it("signs with both secrets after the REST hook secret is rotated", async () => {
    const before = await getRestHookSigningSecret(admins.ian);
    const after = await rotateRestHookSigningSecret(admins.ian);
    const rx = await subscriber();
    await subscribe(rx.url);
    await register();
    const [request] = await rx.waitFor(1);
    const headers = request.headers as Record<string, string>;
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(before.secret).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(after.secret).verify(request.body, headers)).not.toThrow();
  });
});
