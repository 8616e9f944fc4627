import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { deleteUser } from "@/lib/users/delete-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/**
 * Update and delete events are written in the same transaction as the change: a real fault injected after
 * the change (a trigger on the events table that raises when the event is inserted) leaves neither the
 * change nor the event.
 */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let serial = 0;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

/** Makes the insert of events of `type` fail while `work` runs; removes the trigger afterwards. */
async function withFailingEvents<T>(type: string, work: () => Promise<T>): Promise<T> {
  await db().exec(`
    CREATE OR REPLACE FUNCTION test_injected_outbox_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'injected outbox fault'; END $$;
    CREATE TRIGGER test_injected_outbox_fault BEFORE INSERT ON events FOR EACH ROW
      WHEN (NEW.type = '${type}') EXECUTE FUNCTION test_injected_outbox_fault();`);
  try {
    return await work();
  } finally {
    await db().exec(`DROP TRIGGER IF EXISTS test_injected_outbox_fault ON events; DROP FUNCTION IF EXISTS test_injected_outbox_fault();`);
  }
}

const newUser = () =>
  createUser(
    admins.ian,
    createUserSchema.parse({ email: `fault${++serial}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] }),
  );
const eventsOf = (userId: string, type: string) =>
  db().prisma.event.count({ where: { type, payload: { path: ["event", "user", "id"], equals: userId } } });

describe("a fault after the change, while its event is written", () => {
  it("leaves neither the update nor its event", async () => {
    const user = await newUser();
    const error = await withFailingEvents("user.update.complete", () =>
      updateUser(admins.ian, user.user_id, { name: "Changed", blocked: true }).then(
        () => null,
        (e: Error) => e,
      ),
    );
    expect(error).toBeInstanceOf(Error);
    const row = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(row).toMatchObject({ name: null, blocked: false });
    expect(await eventsOf(user.user_id, "user.update.complete")).toBe(0);
    // Without the fault the same update goes through with its event.
    await updateUser(admins.ian, user.user_id, { name: "Changed", blocked: true });
    expect(await eventsOf(user.user_id, "user.update.complete")).toBe(1);
  });

  it("leaves neither the delete nor its event", async () => {
    const user = await newUser();
    const error = await withFailingEvents("user.delete.complete", () =>
      deleteUser(admins.ian, user.user_id).then(
        () => null,
        (e: Error) => e,
      ),
    );
    expect(error).toBeInstanceOf(Error);
    expect(await db().prisma.user.count({ where: { id: user.user_id } })).toBe(1);
    expect(await eventsOf(user.user_id, "user.delete.complete")).toBe(0);
    await deleteUser(admins.ian, user.user_id);
    expect(await db().prisma.user.count({ where: { id: user.user_id } })).toBe(0);
    expect(await eventsOf(user.user_id, "user.delete.complete")).toBe(1);
  });
});
