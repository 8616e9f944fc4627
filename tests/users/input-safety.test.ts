import { beforeAll, describe, expect, it } from "vitest";
import * as userRoute from "@/app/api/v2/users/[id]/route";
import * as usersRoute from "@/app/api/v2/users/route";
import type { Actor } from "@/lib/auth/actor";
import { parseInput } from "@/lib/errors";
import { listAuditSchema } from "@/lib/schemas/audit";
import { createUserFormSchema, createUserSchema, listUsersSchema, updateUserSchema, type CreateUserInput } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor } from "../api/api-client";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let ianToken: string;
let target: { user_id: string };

const PASSWORD = "Input-safety-pass-7";
const NUL = "\u0000";
const LONE_HIGH = "\uD800";
const LONE_LOW = "\uDC00";
const REFUSAL = "Remove the NUL characters and broken Unicode characters (lone surrogates) from this text: they cannot be stored.";

/** `depth` nested objects: depth 1 is `{}`. Built without recursion, like the check it tests. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  ianToken = await tokenFor(admins.ian, admins.ian);
  target = await createUser(admins.ian, createUserSchema.parse({ email: "target@example.com", password: PASSWORD, connection: DEMO_CONNECTION }));
});

const post = (body: unknown) => call(usersRoute.POST, "POST", { token: ianToken, body });
const patch = (body: unknown) => call(userRoute.PATCH, "PATCH", { token: ianToken, id: target.user_id, body });
const newUser = (extra: Record<string, unknown>) => ({ email: "new.person@example.com", password: PASSWORD, connection: DEMO_CONNECTION, ...extra });

describe("NUL bytes and lone surrogates", () => {
  it("are refused with a field error by every string field of the user schemas (form, action and API share them)", () => {
    const valid = { email: "a@example.com", password: PASSWORD, repeatPassword: PASSWORD, connection: DEMO_CONNECTION };
    const fields: [typeof createUserFormSchema | typeof updateUserSchema | typeof listUsersSchema | typeof listAuditSchema, Record<string, unknown>, string][] = [
      [createUserFormSchema, valid, "email"],
      [createUserFormSchema, valid, "password"],
      [createUserFormSchema, valid, "repeatPassword"],
      [createUserFormSchema, valid, "connection"],
      [createUserFormSchema, valid, "username"],
      [createUserFormSchema, valid, "name"],
      [createUserFormSchema, valid, "given_name"],
      [createUserFormSchema, valid, "family_name"],
      [createUserFormSchema, valid, "phone_number"],
      [updateUserSchema, {}, "name"],
      [updateUserSchema, {}, "email"],
      [listUsersSchema, {}, "search"],
      [listUsersSchema, {}, "connection"],
      [listUsersSchema, {}, "membership"],
      [listAuditSchema, {}, "actor"],
      [listAuditSchema, {}, "action"],
    ];
    for (const [schema, base, field] of fields) {
      for (const bad of [`x${NUL}y`, `x${LONE_HIGH}`, `${LONE_LOW}x`]) {
        const error = (() => {
          try {
            parseInput(schema, { ...base, [field]: bad });
          } catch (caught) {
            return caught as { fieldErrors?: Record<string, string> };
          }
          return null;
        })();
        expect(error?.fieldErrors?.[field], `${field} with ${JSON.stringify(bad)}`).toBe(REFUSAL);
      }
    }
    // A proper surrogate pair (an emoji) is text like any other.
    expect(parseInput(createUserFormSchema, { ...valid, name: "Ana \uD83D\uDE00" }).name).toBe("Ana \uD83D\uDE00");
    expect(parseInput(updateUserSchema, { memberships: ["IT"] }).memberships).toEqual(["IT"]);
    const membership = updateUserSchema.safeParse({ memberships: [`I${NUL}T`] });
    expect(membership.error?.issues[0]).toMatchObject({ path: ["memberships", 0], message: REFUSAL });
  });

  it("get a 400 with the field named from the API, for bodies, metadata and the query string, and nothing is written", async () => {
    const before = await db().prisma.user.count();
    const created = await post(newUser({ name: `Ana${NUL}` }));
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ statusCode: 400, error: "Bad Request", fields: { name: REFUSAL } });

    const inMetadata = await post(newUser({ user_metadata: { nested: { title: `a${LONE_HIGH}` } } }));
    expect(inMetadata.status).toBe(400);
    expect(inMetadata.body.fields.user_metadata).toBe(`${REFUSAL} (at nested.title)`);
    const inKey = await post(newUser({ app_metadata: { [`k${NUL}`]: 1 } }));
    expect(inKey.status).toBe(400);
    expect(inKey.body.fields.app_metadata).toMatch(/^Remove the NUL characters/);

    const changed = await patch({ given_name: `${LONE_LOW}` });
    expect(changed.status).toBe(400);
    expect(changed.body.fields).toEqual({ given_name: REFUSAL });

    const listed = await call(usersRoute.GET, "GET", { token: ianToken, query: { search: `a${NUL}` } });
    expect(listed.status).toBe(400);
    expect(listed.body.fields).toEqual({ search: REFUSAL });
    expect(await db().prisma.user.count()).toBe(before);
  });
});

describe("a failure is always audited", () => {
  it("keeps the failure's entry when the refused value is echoed in the message, with the characters replaced", async () => {
    // The domain function called without the boundary's schema: the connection's name reaches the message.
    const input = { ...createUserSchema.parse(newUser({ email: "echo@example.com" })), connection: `Nope${NUL}${LONE_HIGH}` } as CreateUserInput;
    await expect(createUser(admins.ian, input)).rejects.toThrow(/There is no connection named/);
    const entry = await db().prisma.auditLog.findFirst({ where: { action: "user.create", targetEmail: "echo@example.com" } });
    expect(entry).toMatchObject({ result: "failure", errorMessage: 'There is no connection named "Nope\uFFFD\uFFFD".' });
  });
});

describe("metadata", () => {
  it("refuses nesting deeper than 32 levels with a 400 field error, and takes 32", async () => {
    const deep = await post(newUser({ email: "deep@example.com", user_metadata: nested(3000) }));
    expect(deep.status).toBe(400);
    expect(deep.body.fields).toEqual({ user_metadata: "Metadata can nest objects and arrays at most 32 levels deep." });
    const justOver = await patch({ app_metadata: nested(33) });
    expect(justOver.status).toBe(400);
    expect(justOver.body.fields).toEqual({ app_metadata: "Metadata can nest objects and arrays at most 32 levels deep." });
    const arrays = await patch({ user_metadata: { list: JSON.parse("[".repeat(40) + "]".repeat(40)) } });
    expect(arrays.status).toBe(400);

    const atLimit = await patch({ user_metadata: nested(32) });
    expect(atLimit.status).toBe(200);
    expect(JSON.stringify(atLimit.body.user_metadata)).toBe(JSON.stringify(nested(32)));
  });

  it("refuses __proto__, constructor and prototype keys at the top level and below with a 400 field error", async () => {
    const before = await db().prisma.user.count();
    const topLevel = await post(`{"email":"proto@example.com","password":"${PASSWORD}","connection":"${DEMO_CONNECTION}","user_metadata":{"__proto__":{"admin":true}}}`);
    expect(topLevel.status).toBe(400);
    expect(topLevel.body.fields).toEqual({
      user_metadata: "Metadata must not use the keys __proto__, constructor or prototype (found at __proto__).",
    });
    const below = await patch(`{"app_metadata":{"a":[{"constructor":{"prototype":1}}]}}`);
    expect(below.status).toBe(400);
    expect(below.body.fields).toEqual({
      app_metadata: "Metadata must not use the keys __proto__, constructor or prototype (found at a.0.constructor).",
    });
    const prototypeKey = await patch({ user_metadata: { prototype: 1 } });
    expect(prototypeKey.status).toBe(400);
    expect(await db().prisma.user.count()).toBe(before);
    expect(await db().prisma.user.count({ where: { email: "proto@example.com" } })).toBe(0);
  });
});
