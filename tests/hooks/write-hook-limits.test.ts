import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import type { DomainError } from "@/lib/errors";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/**
 * What the Write Hook returns is held to the limits of direct input: metadata of at most 16 KB of JSON
 * (16,384 bytes), 32 levels, and none of the keys __proto__, constructor, prototype — on create, and on
 * update after the returned metadata is merged into the stored one.
 */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let serial = 0;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

async function installWriteHook(code: string | null) {
  await db().prisma.hookVersion.deleteMany({ where: { kind: "write" } });
  await db().prisma.hook.deleteMany({ where: { kind: "write" } });
  clearAllMemos();
  if (code) await saveHook(admins.ian, { kind: "write", code, enabled: true, timeoutMs: 10_000 }); // the most a hook may have: a loaded machine is slow, never wrong
}
beforeEach(() => installWriteHook(null));

const newUser = () =>
  createUserSchema.parse({ email: `limits${++serial}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["IT"] });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a refusal"),
    (error: DomainError) => error,
  );
/** A create hook that writes the form's user with `user_metadata` built by the JavaScript expression given. */
const createHookWith = (metadataExpression: string) =>
  `function (ctx, cb) { var p = ctx.payload; cb(null, { email: p.email, password: p.password, connection: p.connection, user_metadata: ${metadataExpression} }); }`;

describe("the Write Hook's result on create", () => {
  // {"a":"…"} is 8 bytes plus the string: 16,376 characters make exactly 16,384 bytes.
  it("accepts metadata of exactly 16,384 bytes", async () => {
    await installWriteHook(createHookWith("{ a: 'x'.repeat(16376) }"));
    const user = await createUser(admins.ian, newUser());
    expect(Buffer.byteLength(JSON.stringify(user.user_metadata))).toBe(16_384);
  });

  it("refuses metadata one byte over, and writes nothing", async () => {
    await installWriteHook(createHookWith("{ a: 'x'.repeat(16377) }"));
    const input = newUser();
    const error = await refusal(createUser(admins.ian, input));
    expect(error.status).toBe(400);
    expect(error.message).toBe("Write Hook returned an invalid result at user_metadata: Metadata must be at most 16 KB of JSON.");
    expect(await db().prisma.user.count({ where: { email: input.email } })).toBe(0);
  });

  it.each([
    ["__proto__ nested", "JSON.parse('{\"prefs\": {\"__proto__\": {\"admin\": true}}}')", /^Write Hook returned an invalid result.*"__proto__" is not allowed/],
    ["constructor", "{ a: { constructor: 1 } }", /^Write Hook returned an invalid result.*"constructor" is not allowed/],
    ["prototype", "{ prototype: 1 }", /^Write Hook returned an invalid result.*"prototype" is not allowed/],
    ["33 levels", "(function () { var v = 1; for (var i = 0; i < 33; i++) v = { n: v }; return v; })()", /^Write Hook returned an invalid result at user_metadata: /],
  ])("refuses metadata with %s, as direct input does", async (_, expression, message) => {
    await installWriteHook(createHookWith(expression));
    const input = newUser();
    const error = await refusal(createUser(admins.ian, input));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
    expect(await db().prisma.user.count({ where: { email: input.email } })).toBe(0);
  });
});

describe("the Write Hook's result on update, merged into the stored metadata", () => {
  /** A user whose stored user_metadata is {"a":"<10,000 x>"}; updates return {"b":"<n y>"} to merge. */
  async function userWithMetadata(returnedLength: number) {
    await installWriteHook(
      `function (ctx, cb) { if (ctx.method === 'create') return cb(); cb(null, { user_metadata: { b: 'y'.repeat(${returnedLength}) } }); }`,
    );
    const user = await createUser(admins.ian, newUser());
    await db().prisma.user.update({ where: { id: user.user_id }, data: { userMetadata: { a: "x".repeat(10_000) } } });
    return user;
  }

  // {"a":"…","b":"…"} is 15 bytes plus both strings: 10,000 + 6,369 make exactly 16,384 bytes.
  it("accepts a merge of exactly 16,384 bytes", async () => {
    const user = await userWithMetadata(6_369);
    const changed = await updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Merged" }));
    expect(Object.keys(changed.user_metadata)).toEqual(["a", "b"]);
    expect(Buffer.byteLength(JSON.stringify(changed.user_metadata))).toBe(16_384);
  });

  it("refuses a merge one byte over, though the returned object alone is small, and changes nothing", async () => {
    const user = await userWithMetadata(6_370);
    const error = await refusal(updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Merged" })));
    expect(error.status).toBe(400);
    expect(error.message).toBe("Write Hook returned an invalid result at user_metadata: Metadata must be at most 16 KB of JSON.");
    const row = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(row.name).toBeNull();
    expect(row.userMetadata).toEqual({ a: "x".repeat(10_000) });
  });

  it("refuses a returned key that direct input refuses", async () => {
    const user = await createUser(admins.ian, newUser());
    await installWriteHook("function (ctx, cb) { cb(null, { app_metadata: { nested: { constructor: 1 } } }); }");
    const error = await refusal(updateUser(admins.ian, user.user_id, updateUserSchema.parse({ name: "Keyed" })));
    expect(error.message).toMatch(/^Write Hook returned an invalid result.*"constructor" is not allowed/);
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } })).name).toBeNull();
  });
});
