import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import { onOutboxWrite } from "@/lib/events/outbox-signal";
import type { EventEnvelope } from "@/lib/events/types";
import { dispatchEvents } from "@/lib/delivery/store";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { getTenant } from "@/lib/tenant/tenant";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { updateUser } from "@/lib/users/update-user";
import { userSelect } from "@/lib/users/profile";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
});

const input = (email: string, overrides: Record<string, unknown> = {}) =>
  createUserSchema.parse({
    email,
    password: "Correct-horse-1",
    connection: DEMO_CONNECTION,
    memberships: ["IT"],
    name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    phone_number: "+44 20 7946 0000",
    email_verified: true,
    user_metadata: { company: "Analytical Engines" },
    app_metadata: { roles: ["user"] },
    ...overrides,
  });

async function eventsOf(userId: string) {
  const rows = await db().prisma.event.findMany({
    where: { payload: { path: ["event", "user", "id"], equals: userId } },
    orderBy: [{ createdAt: "asc" }, { type: "desc" }],
  });
  return rows.map((row) => ({ ...row, envelope: row.payload as unknown as EventEnvelope }));
}

describe("the event outbox", () => {
  it("writes user.registration.create.complete and user.create.complete with the user, in the same transaction", async () => {
    const user = await createUser(admins.ian, input("ada@example.com"));
    const tenant = await getTenant();
    const events = await eventsOf(user.user_id);
    expect(events.map((e) => e.type)).toEqual(["user.registration.create.complete", "user.create.complete"]);
    for (const row of events) {
      expect(row.dispatchedAt).toBeNull();
      expect(row.envelope.event.id).toBe(row.id);
      expect(row.envelope.event.createInstant).toBe(row.createdAt.getTime());
    }
    const [registration, created] = events.map((e) => e.envelope.event);
    const expectedUser = {
      id: user.user_id,
      email: "ada@example.com",
      active: true,
      verified: true,
      tenantId: tenant.id,
      usernameStatus: "ACTIVE",
      passwordChangeRequired: false,
      twoFactorEnabled: false,
      firstName: "Ada",
      lastName: "Lovelace",
      fullName: "Ada Lovelace",
      mobilePhone: "+44 20 7946 0000",
      data: { company: "Analytical Engines" },
      connectionId: user.connection_id,
      insertInstant: new Date(user.created_at).getTime(),
      lastUpdateInstant: new Date(user.updated_at).getTime(),
    };
    expect(registration).toEqual({
      id: expect.any(String),
      type: "user.registration.create.complete",
      createInstant: expect.any(Number),
      tenantId: tenant.id,
      applicationId: tenant.applicationId,
      info: { ipAddress: "127.0.0.1", userAgent: "vitest", data: { source: "console" } },
      registration: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        applicationId: tenant.applicationId,
        insertInstant: new Date(user.created_at).getTime(),
        roles: ["user"],
        usernameStatus: "ACTIVE",
      },
      user: expectedUser,
    });
    expect(created).toEqual({ ...registration, id: created.id, type: "user.create.complete", registration: undefined });
    expect(created.id).not.toBe(registration.id);
    expect(JSON.stringify(events)).not.toMatch(/argon2|Correct-horse|passwordHash|password_hash/);
  });

  it("emits user.update.complete with the user before and after, and user.delete.complete", async () => {
    const user = await createUser(admins.ian, input("grace@example.com"));
    await updateUser(admins.ian, user.user_id, { blocked: true });
    await deleteUser(admins.ian, user.user_id);
    const events = await eventsOf(user.user_id);
    expect(events.map((e) => e.type)).toEqual([
      "user.registration.create.complete",
      "user.create.complete",
      "user.update.complete",
      "user.delete.complete",
    ]);
    const update = events[2].envelope.event as EventEnvelope<"user.update.complete">["event"];
    expect(update.original.active).toBe(true);
    expect(update.user.active).toBe(false);
    expect(events[3].envelope.event.user).toMatchObject({ id: user.user_id, active: false, email: "grace@example.com" });
  });

  it("writes no event when the create fails, nor when the update is refused", async () => {
    await createUser(admins.ian, input("taken@example.com"));
    const before = await db().prisma.event.count();
    expect((await createUser(admins.ian, input("taken@example.com")).catch((e) => e)).status).toBe(409);
    expect((await createUser(admins.aud, input("aud-made@example.com")).catch((e) => e)).status).toBe(403);
    expect(await db().prisma.event.count()).toBe(before);
  });

  it("rolls the events back with the transaction that wrote them", async () => {
    const before = await db().prisma.event.count();
    const row = await db().prisma.user.findFirstOrThrow({ select: userSelect });
    const tenant = await getTenant();
    const failure = await db()
      .prisma.$transaction(async (tx) => {
        await enqueueUserEvents(tx, admins.ian, { kind: "update", user: row, original: row }, tenant);
        throw new Error("the change failed");
      })
      .catch((e: Error) => e);
    expect(failure.message).toBe("the change failed");
    expect(await db().prisma.event.count()).toBe(before);
  });

  it("writes the events of a change given as database rows, and wakes this process's listeners (the PGlite worker) once", async () => {
    const row = await db().prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" }, select: userSelect });
    const tenant = await getTenant();
    let wakeUps = 0;
    const stop = onOutboxWrite(() => (wakeUps += 1));
    try {
      const envelopes = await db().prisma.$transaction((tx) =>
        enqueueUserEvents(tx, admins.ian, { kind: "update", user: { ...row, name: "Ian Renamed" }, original: row }, tenant),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(wakeUps).toBe(1);
      expect(envelopes).toHaveLength(1);
      const stored = await db().prisma.event.findUniqueOrThrow({ where: { id: envelopes[0].event.id } });
      const event = (stored.payload as unknown as EventEnvelope<"user.update.complete">).event;
      expect(stored.type).toBe("user.update.complete");
      expect(stored.createdAt.getTime()).toBe(event.createInstant);
      expect([event.user.id, event.user.email, event.user.fullName, event.original.fullName]).toEqual([
        row.id,
        "ian@example.com",
        "Ian Renamed",
        "Ian IT",
      ]);
    } finally {
      stop();
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("is invisible to the dispatcher until the transaction commits (PostgreSQL server)", async () => {
    await dispatchEvents(db().prisma, { limit: 1000, postRegistrationWhen: null });
    const row = await db().prisma.user.findFirstOrThrow({ select: userSelect });
    const tenant = await getTenant();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let enqueued!: () => void;
    const written = new Promise<void>((resolve) => (enqueued = resolve));
    const transaction = db().prisma.$transaction(async (tx) => {
      await enqueueUserEvents(tx, admins.ian, { kind: "update", user: row, original: row }, tenant);
      enqueued();
      await held;
    });
    await written;
    expect(await dispatchEvents(db().prisma, { limit: 1000, postRegistrationWhen: null })).toEqual({ events: 0, deliveries: 0 });
    release();
    await transaction;
    expect((await dispatchEvents(db().prisma, { limit: 1000, postRegistrationWhen: null })).events).toBe(1);
  });
});
