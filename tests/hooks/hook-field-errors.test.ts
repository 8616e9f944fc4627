import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { DomainError } from "@/lib/errors";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 12 item 14: a hook's error that names a field (`error.field = 'email'`) is shown on that field of
 * the form: the refusal carries it as a field error beside the message, through the hook threads.
 */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let serial = 0;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

async function installWriteHook(code: string) {
  await db().prisma.hookVersion.deleteMany({ where: { kind: "write" } });
  await db().prisma.hook.deleteMany({ where: { kind: "write" } });
  clearAllMemos();
  await saveHook(admins.ian, { kind: "write", code, enabled: true, timeoutMs: 10_000 });
}

/** A Write Hook that refuses with an error whose `field` is the JavaScript expression given (none: no field). */
const refusingWith = (field?: string, how: "callback" | "throw" = "callback") => `function (ctx, callback) {
  var error = new Error('Use your work address.');
  ${field === undefined ? "" : `error.field = ${field};`}
  ${how === "callback" ? "return callback(error);" : "throw error;"}
}`;

async function refusal(): Promise<DomainError> {
  const input = createUserSchema.parse({ email: `fields${++serial}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] });
  const error = await createUser(admins.ian, input).then(
    () => expect.fail("expected the Write Hook's refusal"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("a hook's error that names a field", () => {
  beforeEach(() => clearAllMemos());

  it("is a field error on that field, with the hook's message, from callback(error)", async () => {
    await installWriteHook(refusingWith("'email'"));
    const error = await refusal();
    expect(error.code).toBe("hook");
    expect(error.message).toBe("Use your work address.");
    expect(error.fieldErrors).toEqual({ email: "Use your work address." });
  });

  it("is a field error when thrown too, and may name a path inside metadata", async () => {
    await installWriteHook(refusingWith("'user_metadata.title'", "throw"));
    expect((await refusal()).fieldErrors).toEqual({ "user_metadata.title": "Use your work address." });
  });

  it("is the message alone without a field, or with a field that is not a field name", async () => {
    for (const field of [undefined, "42", "''", "'email; drop'", "'a'.repeat(65)", "{ toString: function () { return 'email'; } }"]) {
      await installWriteHook(refusingWith(field));
      const error = await refusal();
      expect(error.message).toBe("Use your work address.");
      expect(error.fieldErrors, `field = ${field}`).toBeUndefined();
    }
  });

  it("takes a field name of 64 characters, not 65", async () => {
    await installWriteHook(refusingWith("'a'.repeat(64)"));
    expect(Object.keys((await refusal()).fieldErrors ?? {})).toEqual(["a".repeat(64)]);
  });
});
