import { clearAllMemos } from "@/lib/cache/memo";
import { describe, expect, it, beforeAll } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
beforeAll(async () => {
  admins = await seedAndLoadAdmins(db());
});

const input = (overrides: Record<string, unknown> = {}) =>
  createUserSchema.parse({
    email: "New.Person@Example.com",
    password: "Correct-horse-1",
    connection: DEMO_CONNECTION,
    memberships: ["Finance"],
    name: "New Person",
    ...overrides,
  });

describe("createUser", () => {
  it("stores the user with a lower-cased email, an argon2id hash, memberships and a success audit entry", async () => {
    const user = await createUser(admins.kelly, input());
    expect(user.email).toBe("new.person@example.com");
    expect(user.app_metadata.memberships).toEqual(["Finance"]);
    expect(JSON.stringify(user)).not.toContain("argon2");
    const row = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { targetUserId: user.user_id } });
    expect(audit).toMatchObject({ action: "user.create", result: "success", actorEmail: "kelly@example.com" });
    expect(JSON.stringify(audit)).not.toContain("Correct-horse-1");
  });

  it("turns a duplicate email in the connection into a field error on email", async () => {
    await createUser(admins.kelly, input({ email: "Dup.Person@example.com" }));
    const error = await createUser(admins.kelly, input({ email: "DUP.person@example.com" })).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.status).toBe(409);
    expect(error.fieldErrors).toEqual({ email: "A user with this email already exists in this connection." });
    const failure = await db().prisma.auditLog.findFirst({ where: { action: "user.create", result: "failure", targetEmail: "dup.person@example.com" } });
    expect(failure?.errorMessage).toBe("A user with this email already exists in this connection.");
  });

  it("refuses an Auditor with 403 and writes nothing", async () => {
    const before = await db().prisma.user.count();
    const error = await createUser(admins.aud, input({ email: "aud-made@example.com" })).catch((e) => e);
    expect(error.status).toBe(403);
    expect(await db().prisma.user.count()).toBe(before);
  });

  it("enforces the connection's password policy and a database connection", async () => {
    const weak = await createUser(admins.kelly, input({ email: "weak@example.com", password: "short" })).catch((e) => e);
    expect(weak.fieldErrors.password).toMatch(/at least 8 characters/);
    const social = await createUser(admins.kelly, input({ email: "s@example.com", connection: "google-oauth2" })).catch((e) => e);
    expect(social.fieldErrors.connection).toMatch(/database connections/);
  });

  it("refuses memberships that are not options", async () => {
    const error = await createUser(admins.kelly, input({ email: "x@example.com", memberships: ["Nope"] })).catch((e) => e);
    expect(error.fieldErrors.memberships).toMatch(/Nope/);
  });

  it("keeps the other app_metadata keys, removes duplicate memberships and stores empty optional fields as null", async () => {
    const user = await createUser(
      admins.ian,
      input({
        email: "meta@example.com",
        memberships: ["IT", "Sales", "IT"],
        app_metadata: { plan: "gold" },
        user_metadata: { theme: "dark" },
        name: "",
        phone_number: "",
      }),
    );
    expect(user.app_metadata).toEqual({ plan: "gold", memberships: ["IT", "Sales"] });
    expect(user.user_metadata).toEqual({ theme: "dark" });
    expect(user).toMatchObject({ name: null, phone_number: null, email_verified: false, blocked: false, logins_count: 0 });
  });

  it("refuses an unknown or disabled connection with a field error on connection", async () => {
    await db().prisma.connection.create({ data: { id: "con_disabled", name: "Disabled-DB", enabled: false } });
    clearAllMemos(); // the connection cache does not see writes made behind the domain
    const unknown = await createUser(admins.kelly, input({ email: "u@example.com", connection: "Nope-DB" })).catch((e) => e);
    expect(unknown.fieldErrors).toEqual({ connection: 'There is no connection named "Nope-DB".' });
    const disabled = await createUser(admins.kelly, input({ email: "d@example.com", connection: "Disabled-DB" })).catch((e) => e);
    expect(disabled.fieldErrors).toEqual({ connection: 'The connection "Disabled-DB" is disabled.' });
  });

  describe("in a connection that requires a username", () => {
    beforeAll(async () => {
      await db().prisma.connection.create({ data: { id: "con_named", name: "Named-DB", requiresUsername: true } });
      clearAllMemos(); // the connection cache does not see writes made behind the domain
    });

    it("refuses a user without a username with a field error", async () => {
      const error = await createUser(admins.kelly, input({ email: "nameless@example.com", connection: "Named-DB" })).catch((e) => e);
      expect(error.status).toBe(400);
      expect(error.fieldErrors).toEqual({ username: 'The connection "Named-DB" requires a username.' });
    });

    it("stores the username lower-cased and refuses it twice with a 409 field error", async () => {
      const user = await createUser(admins.kelly, input({ email: "named@example.com", connection: "Named-DB", username: "Named.One" }));
      expect(user).toMatchObject({ username: "named.one", connection: "Named-DB" });
      const error = await createUser(admins.kelly, input({ email: "named2@example.com", connection: "Named-DB", username: "NAMED.ONE" })).catch((e) => e);
      expect(error.status).toBe(409);
      expect(error.fieldErrors).toEqual({ username: "This username is already taken in this connection." });
    });

    it("accepts an email that exists in another connection", async () => {
      await createUser(admins.kelly, input({ email: "both.connections@example.com" }));
      const user = await createUser(admins.kelly, input({ email: "both.connections@example.com", connection: "Named-DB", username: "both.connections" }));
      expect(user).toMatchObject({ email: "both.connections@example.com", connection: "Named-DB" });
      expect(await db().prisma.user.count({ where: { email: "both.connections@example.com" } })).toBe(2);
    });
  });

  it("refuses invalid input in the schema, naming each field", () => {
    const result = createUserSchema.safeParse({ email: "nope", password: "", connection: "", username: "bad name", phone_number: "call me" });
    expect(result.success).toBe(false);
    const fields = new Set(result.error?.issues.map((issue) => issue.path.join(".")));
    expect([...fields].sort()).toEqual(["connection", "email", "password", "phone_number", "username"]);
  });
});
