import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

const ADMINISTRATOR = "Delegated Admin - Administrator";
const LAST = "Delegate needs at least one unblocked Administrator: make another user an Administrator first.";
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);
const activeAdministrators = async () =>
  (await db().prisma.user.findMany({ where: { blocked: false }, select: { email: true, appMetadata: true } }))
    .filter((u) => ((u.appMetadata as { roles?: string[] }).roles ?? []).includes(ADMINISTRATOR))
    .map((u) => u.email)
    .sort();

/** A second Administrator, loaded as an actor (the test's "request" that started before any change). */
async function secondAdministrator(email: string): Promise<Actor> {
  const created = await createUser(
    admins.ian,
    createUserSchema.parse({ email, password: "Second-admin-pass-1", connection: DEMO_CONNECTION, app_metadata: { roles: [ADMINISTRATOR] } }),
  );
  return loadActor(created.user_id, "console", { ipAddress: "127.0.0.1", userAgent: "vitest" });
}

/** Puts Ian back as the only unblocked Administrator and removes the test's second one. */
afterEach(async () => {
  // Ian is gone when the second Administrator won a race to delete each other: he comes back with his id.
  const ian = { blocked: false, appMetadata: { roles: [ADMINISTRATOR], department: "IT", memberships: ["IT"] } };
  await db().prisma.user.upsert({
    where: { id: admins.ian.id },
    update: ian,
    create: { ...ian, id: admins.ian.id, email: admins.ian.email, connectionId: admins.ian.profile.connection_id },
  });
  await db().prisma.user.deleteMany({ where: { email: { startsWith: "second-admin" } } });
});

const demote = (actor: Actor, userId: string) =>
  updateUser(actor, userId, updateUserSchema.parse({ app_metadata: { roles: ["Delegated Admin - User"] } }));
const block = (actor: Actor, userId: string) => updateUser(actor, userId, updateUserSchema.parse({ blocked: true }));

describe("the last Administrator", () => {
  it("an Administrator cannot remove their own role, even with another Administrator left (400 on app_metadata)", async () => {
    await secondAdministrator("second-admin-a@example.com");
    const error = await refusal(demote(admins.ian, admins.ian.id));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({
      app_metadata: 'You cannot remove your own "Delegated Admin - Administrator" role: ask another Administrator to do it.',
    });
    expect(await activeAdministrators()).toEqual(["ian@example.com", "second-admin-a@example.com"]);
    // Keeping the role while changing other metadata is fine.
    await updateUser(admins.ian, admins.ian.id, updateUserSchema.parse({ app_metadata: { roles: [ADMINISTRATOR], note: "kept" } }));
    const failures = await db().prisma.auditLog.count({ where: { actorId: admins.ian.id, targetUserId: admins.ian.id, result: "failure" } });
    expect(failures).toBe(1);
  });

  it("demoting another Administrator works while one remains; the last one cannot be demoted (409 on app_metadata)", async () => {
    const second = await secondAdministrator("second-admin-b@example.com");
    await demote(admins.ian, second.id);
    expect(await activeAdministrators()).toEqual(["ian@example.com"]);
    // The second admin's request was authorised before her demotion committed (a stale actor).
    const error = await refusal(demote(second, admins.ian.id));
    expect(error.status).toBe(409);
    expect(error.message).toBe(LAST);
    expect(error.fieldErrors).toEqual({ app_metadata: LAST });
    expect(await activeAdministrators()).toEqual(["ian@example.com"]);
  });

  it("two Administrators demoting each other at once leave exactly one", async () => {
    const second = await secondAdministrator("second-admin-c@example.com");
    const results = await Promise.allSettled([demote(admins.ian, second.id), demote(second, admins.ian.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as DomainError).status).toBe(409);
    expect(await activeAdministrators()).toHaveLength(1);
  });

  it("two Administrators blocking each other at once leave exactly one unblocked", async () => {
    const second = await secondAdministrator("second-admin-d@example.com");
    const results = await Promise.allSettled([block(admins.ian, second.id), block(second, admins.ian.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as DomainError).status).toBe(409);
    expect((rejected.reason as DomainError).message).toBe(LAST);
    expect(await activeAdministrators()).toHaveLength(1);
  });

  it("two Administrators deleting each other at once leave exactly one", async () => {
    const second = await secondAdministrator("second-admin-e@example.com");
    const results = await Promise.allSettled([deleteUser(admins.ian, second.id), deleteUser(second, admins.ian.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as DomainError).status).toBe(409);
    expect(await activeAdministrators()).toHaveLength(1);
  });

  it("blocking an Administrator while another remains unblocked works", async () => {
    const second = await secondAdministrator("second-admin-f@example.com");
    await block(admins.ian, second.id);
    expect(await activeAdministrators()).toEqual(["ian@example.com"]);
  });
});
