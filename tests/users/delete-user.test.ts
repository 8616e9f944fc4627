import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { getUser } from "@/lib/users/get-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 5);
});

const make = (email: string) =>
  createUser(admins.ian, createUserSchema.parse({ email, password: "Delete-me-pass-1", connection: DEMO_CONNECTION }));
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);
const exists = async (id: string) => (await db().prisma.user.count({ where: { id } })) === 1;

describe("deleteUser", () => {
  it("deletes the user and records who deleted whom; the user's history stays readable", async () => {
    const user = await make("gone@example.com");
    await deleteUser(admins.kelly, user.user_id);
    expect(await exists(user.user_id)).toBe(false);
    expect((await failure(getUser(admins.kelly, user.user_id))).status).toBe(404);
    const entries = await db().prisma.auditLog.findMany({ where: { targetUserId: user.user_id }, orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => [e.action, e.result])).toEqual([
      ["user.create", "success"],
      ["user.delete", "success"],
    ]);
    expect(entries[1]).toMatchObject({ actorEmail: "kelly@example.com", actorId: admins.kelly.id, targetEmail: "gone@example.com" });
  });

  it("refuses deleting yourself with 403 and records the refusal", async () => {
    const error = await failure(deleteUser(admins.ian, admins.ian.id));
    expect(error.status).toBe(403);
    expect(error.message).toBe("You cannot delete your own account.");
    expect(await exists(admins.ian.id)).toBe(true);
    const refusal = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "user.delete", targetUserId: admins.ian.id } });
    expect(refusal).toMatchObject({ result: "failure", errorMessage: "You cannot delete your own account." });
  });

  it("refuses an Auditor with 403 and keeps the user", async () => {
    const user = await make("kept@example.com");
    expect((await failure(deleteUser(admins.aud, user.user_id))).status).toBe(403);
    expect(await exists(user.user_id)).toBe(true);
  });

  it("answers 404 for an unknown, malformed or already deleted user", async () => {
    const user = await make("twice@example.com");
    await deleteUser(admins.olga, user.user_id);
    for (const id of [user.user_id, "00000000-0000-4000-8000-000000000000", "../etc"]) {
      expect((await failure(deleteUser(admins.olga, id))).status).toBe(404);
    }
  });

  it("lets the email be used again after the deletion", async () => {
    const first = await make("reuse@example.com");
    await deleteUser(admins.kelly, first.user_id);
    const second = await make("reuse@example.com");
    expect(second.user_id).not.toBe(first.user_id);
  });
});
