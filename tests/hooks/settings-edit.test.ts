import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import type { DomainError } from "@/lib/errors";
import { formUserFields, getConsoleSettings } from "@/lib/hooks/console-settings";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * The Settings Query Hook's `edit` user fields (DAE's edit form): a department admin changes the metadata
 * paths they declare, with the edit form sending the whole object; nothing else, and not a disabled field.
 */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

beforeEach(async () => {
  await db().prisma.hookVersion.deleteMany({ where: { kind: "settings" } });
  await db().prisma.hook.deleteMany({ where: { kind: "settings" } });
  clearAllMemos();
  await saveHook(admins.ian, {
    kind: "settings",
    enabled: true,
    timeoutMs: 10_000,
    code: `function (ctx, cb) { cb(null, { userFields: [
      { property: 'user_metadata.job.title', label: 'Job title', edit: { type: 'text' } },
      { property: 'user_metadata.badge', label: 'Badge', edit: { type: 'text', disabled: true } },
      { property: 'user_metadata.note', label: 'Note', create: { type: 'text' }, edit: false }
    ] }); }`,
  });
});

let counter = 0;
async function financeUser() {
  const input = createUserSchema.parse({
    email: `edit${++counter}@example.com`,
    password: "Correct-horse-1",
    connection: DEMO_CONNECTION,
    memberships: ["Finance"],
  });
  const created = await createUser(admins.ian, input);
  return updateUser(admins.ian, created.user_id, updateUserSchema.parse({ user_metadata: { job: { title: "Clerk", grade: 3 }, badge: "B-1", theme: "dark" } }));
}

const edit = (userId: string, changes: unknown) => updateUser(admins.kelly, userId, updateUserSchema.parse(changes));
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "allowed",
    (error: DomainError) => `${error.status} ${error.message}`,
  );

describe("edit user fields of the Settings Query Hook", () => {
  it("are the form's fields: enabled ones to write, a disabled one to show, edit: false left out", async () => {
    const fields = formUserFields(await getConsoleSettings(admins.kelly), "edit");
    expect(fields.map((field) => [field.property, field.disabled])).toEqual([
      ["user_metadata.job.title", false],
      ["user_metadata.badge", true],
    ]);
  });

  it("let a department admin change a declared path with the whole object sent back; the other keys stay", async () => {
    const user = await financeUser();
    const changed = await edit(user.user_id, { user_metadata: { job: { title: "Analyst", grade: 3 }, badge: "B-1", theme: "dark" } });
    expect(changed.user_metadata).toEqual({ job: { title: "Analyst", grade: 3 }, badge: "B-1", theme: "dark" });
  });

  it("refuse a change beside the declared path, of a disabled field, or a removal of an undeclared key", async () => {
    const user = await financeUser();
    expect(await refusal(edit(user.user_id, { user_metadata: { job: { title: "Clerk", grade: 9 }, badge: "B-1", theme: "dark" } }))).toBe(
      "403 Only Administrators can set user_metadata.job.grade.",
    );
    expect(await refusal(edit(user.user_id, { user_metadata: { job: { title: "Clerk", grade: 3 }, badge: "B-2", theme: "dark" } }))).toBe(
      "403 Only Administrators can set user_metadata.badge.",
    );
    expect(await refusal(edit(user.user_id, { user_metadata: { job: { title: "Clerk", grade: 3 }, badge: "B-1" } }))).toBe(
      "403 Only Administrators can set user_metadata.theme.",
    );
    const stored = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id }, select: { userMetadata: true } });
    expect(stored.userMetadata).toEqual({ job: { title: "Clerk", grade: 3 }, badge: "B-1", theme: "dark" });
  });
});
