import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { DomainError } from "@/lib/errors";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 5);
});

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: DomainError) => error);

describe("admins' accounts cannot be taken over by lesser admins", () => {
  it("refuses a User admin changing an Administrator's password, email, block or deletion", async () => {
    for (const change of [
      () => updateUser(admins.kelly, admins.ian.id, { password: "Takeover-pass-1" }),
      () => updateUser(admins.kelly, admins.ian.id, { email: "kelly-owns-this@example.com" }),
      () => updateUser(admins.olga, admins.ian.id, { blocked: true }),
      () => deleteUser(admins.kelly, admins.ian.id),
    ]) {
      const error = await refusal(change());
      expect(error?.status).toBe(403);
      expect(error?.message).toBe("Only Administrators can change the accounts of other admins.");
    }
    const ian = await db().prisma.user.findUniqueOrThrow({ where: { id: admins.ian.id } });
    expect(ian.email).toBe("ian@example.com");
    expect(ian.blocked).toBe(false);
  });

  it("lets an admin change their own password, and an Administrator change another admin", async () => {
    await expect(updateUser(admins.kelly, admins.kelly.id, { password: "Kelly-new-pass-1" })).resolves.toBeTruthy();
    await expect(updateUser(admins.ian, admins.olga.id, { name: "Olga S." })).resolves.toMatchObject({ name: "Olga S." });
  });

  it("refuses a User admin creating a user with app_metadata (roles would make an admin)", async () => {
    const input = createUserSchema.parse({
      email: "sneaky-admin@example.com",
      password: "Correct-horse-1",
      connection: DEMO_CONNECTION,
      memberships: ["Finance"],
      app_metadata: { roles: ["Delegated Admin - Administrator"] },
    });
    const error = await refusal(createUser(admins.kelly, input));
    expect(error?.status).toBe(403);
    expect(error?.message).toBe("Only Administrators can set app_metadata.roles.");
    expect(await db().prisma.user.count({ where: { email: "sneaky-admin@example.com" } })).toBe(0);
    const made = await createUser(admins.ian, input);
    expect(made.app_metadata.roles).toEqual(["Delegated Admin - Administrator"]);
  });
});
