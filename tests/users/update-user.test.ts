import { clearAllMemos } from "@/lib/cache/memo";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { ROLES } from "@/lib/auth/roles";
import { DomainError } from "@/lib/errors";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import type { UserProfile } from "@/lib/users/profile";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let user: UserProfile;

const PASSWORD = "Original-pass-1";

let serial = 0;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 5);
});

// Each test changes a subject of its own, so that none depends on what another one did before it.
beforeEach(async () => {
  user = await createUser(
    admins.ian,
    createUserSchema.parse({
      email: `subject${++serial}@example.com`,
      password: PASSWORD,
      connection: DEMO_CONNECTION,
      memberships: ["Finance"],
      name: "Sub Ject",
      email_verified: true,
      app_metadata: { plan: "gold" },
    }),
  );
});

/** Updates through the same schema the API and the console use. */
const update = (actor: Actor, changes: Record<string, unknown>, id = user.user_id) =>
  updateUser(actor, id, updateUserSchema.parse(changes));
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);
const row = () => db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
const lastAudit = () =>
  db().prisma.auditLog.findFirstOrThrow({ where: { targetUserId: user.user_id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });

describe("updateUser: each field", () => {
  it("changes the email (lower-cased), resets its verification and records user.change_email", async () => {
    const changed = await update(admins.kelly, { email: " Subject.New@Example.COM " });
    expect(changed).toMatchObject({ email: "subject.new@example.com", email_verified: false });
    expect(await lastAudit()).toMatchObject({
      action: "user.change_email",
      result: "success",
      actorEmail: "kelly@example.com",
      targetEmail: "subject.new@example.com",
    });
  });

  it("keeps the verification when it is sent with the new email, and when the email does not change", async () => {
    expect(await update(admins.kelly, { email: "subject.kept@example.com", email_verified: true })).toMatchObject({
      email: "subject.kept@example.com",
      email_verified: true,
    });
    expect((await update(admins.kelly, { email: "SUBJECT.KEPT@example.com" })).email_verified).toBe(true);
  });

  it("refuses an email taken in the connection with a 409 field error", async () => {
    const error = await failure(update(admins.kelly, { email: "olga@example.com" }));
    expect(error.status).toBe(409);
    expect(error.fieldErrors).toEqual({ email: "A user with this email already exists in this connection." });
    expect((await row()).email).toBe(user.email);
  });

  it("sets, refuses a duplicate of, and clears the username", async () => {
    expect((await update(admins.kelly, { username: "Sub.Ject" })).username).toBe("sub.ject");
    const other = await createUser(
      admins.kelly,
      createUserSchema.parse({ email: "other@example.com", password: PASSWORD, connection: DEMO_CONNECTION, username: "taken" }),
    );
    const duplicate = await failure(update(admins.kelly, { username: "TAKEN" }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.fieldErrors).toEqual({ username: "This username is already taken in this connection." });
    expect((await update(admins.kelly, { username: null })).username).toBeNull();
    expect(other.username).toBe("taken");
    expect((await lastAudit()).action).toBe("user.change_username");
  });

  it("refuses to clear the username in a connection that requires one", async () => {
    const connection = await db().prisma.connection.create({
      data: { id: "con_requires_username", name: "Username-Required", requiresUsername: true, passwordMinLength: 8 },
    });
    clearAllMemos(); // the connection cache does not see writes made behind the domain
    const created = await createUser(
      admins.kelly,
      createUserSchema.parse({ email: "named@example.com", password: PASSWORD, connection: connection.name, username: "named" }),
    );
    const error = await failure(update(admins.kelly, { username: null }, created.user_id));
    expect(error.status).toBe(400);
    expect(error.fieldErrors?.username).toMatch(/requires a username/);
  });

  it("changes the password: the new one verifies, the old one no longer does, and it is never recorded", async () => {
    await update(admins.kelly, { password: "Brand-new-pass-2" });
    const { passwordHash } = await row();
    expect(passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(passwordHash, "Brand-new-pass-2")).toBe(true);
    expect(await verifyPassword(passwordHash, PASSWORD)).toBe(false);
    const audit = await lastAudit();
    expect(audit.action).toBe("user.change_password");
    expect(JSON.stringify(audit)).not.toContain("Brand-new-pass-2");
  });

  it("enforces the connection's password policy on a change", async () => {
    const before = (await row()).passwordHash;
    const error = await failure(update(admins.kelly, { password: "alllowercase" }));
    expect(error.fieldErrors?.password).toMatch(/at least 3 of/);
    expect((await row()).passwordHash).toBe(before);
  });

  it("changes the profile fields, an empty string clearing a field", async () => {
    const changed = await update(admins.kelly, {
      name: "Sub Ject Jr",
      given_name: "Sub",
      family_name: "Ject",
      phone_number: "+1 555 0100",
      phone_verified: true,
    });
    expect(changed).toMatchObject({ name: "Sub Ject Jr", given_name: "Sub", family_name: "Ject", phone_number: "+1 555 0100", phone_verified: true });
    const cleared = await update(admins.kelly, { given_name: "", phone_number: "" });
    expect(cleared).toMatchObject({ given_name: null, phone_number: null, name: "Sub Ject Jr" });
    expect((await lastAudit()).action).toBe("user.update");
  });

  it("marks the email verified, recorded as user.verify_email", async () => {
    await db().prisma.user.update({ where: { id: user.user_id }, data: { emailVerified: false } });
    expect((await update(admins.kelly, { email_verified: true })).email_verified).toBe(true);
    expect((await lastAudit()).action).toBe("user.verify_email");
  });

  it("bumps updated_at", async () => {
    const before = (await row()).updatedAt;
    const changed = await update(admins.kelly, { name: "Later" });
    expect(Date.parse(changed.updated_at)).toBeGreaterThan(before.getTime());
  });
});

describe("updateUser: memberships", () => {
  it("replaces app_metadata.memberships (without duplicates) and keeps the other keys", async () => {
    const changed = await update(admins.kelly, { memberships: ["IT", "Sales", "IT"] });
    expect(changed.app_metadata).toEqual({ plan: "gold", memberships: ["IT", "Sales"] });
  });

  it("refuses memberships that are not options with a field error, changing nothing", async () => {
    const error = await failure(update(admins.kelly, { memberships: ["IT", "Legal"] }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ memberships: "Not a membership you can assign: Legal." });
    expect((await row()).appMetadata).toEqual({ plan: "gold", memberships: ["Finance"] });
  });

  it("clears memberships with an empty list", async () => {
    expect((await update(admins.kelly, { memberships: [] })).app_metadata.memberships).toEqual([]);
  });
});

describe("updateUser: metadata", () => {
  it("lets an Administrator replace user_metadata and app_metadata", async () => {
    const changed = await update(admins.ian, { user_metadata: { theme: "dark" }, app_metadata: { plan: "silver", memberships: ["HR"] } });
    expect(changed).toMatchObject({ user_metadata: { theme: "dark" }, app_metadata: { plan: "silver", memberships: ["HR"] } });
    expect((await lastAudit()).action).toBe("user.update");
    await update(admins.ian, { user_metadata: { theme: "light" } });
    expect((await lastAudit()).action).toBe("user.change_metadata");
  });

  it("refuses metadata changes to Users and Operators with 403, and records the refusal", async () => {
    for (const actor of [admins.kelly, admins.olga]) {
      for (const [changes, path] of [
        [{ user_metadata: { theme: "hacked" } }, "user_metadata.theme"],
        [{ app_metadata: { roles: [ROLES.administrator] } }, "app_metadata.roles"],
      ] as const) {
        const error = await failure(update(actor, changes));
        expect(error.status).toBe(403);
        expect(error.message).toBe(`Only Administrators can set ${path}.`);
      }
    }
    expect(await row()).toMatchObject({ userMetadata: {}, appMetadata: { plan: "gold", memberships: ["Finance"] } });
    const refusal = await lastAudit();
    expect(refusal).toMatchObject({ result: "failure", actorEmail: "olga@example.com", errorMessage: expect.stringMatching(/Only Administrators/) });
  });

  it("refuses metadata that is not an object, too large, or with prototype keys", () => {
    const nested = JSON.parse('{"prefs": {"__proto__": {"admin": true}}}');
    for (const user_metadata of [[1, 2], "text", { big: "x".repeat(17 * 1024) }, nested, { a: { constructor: 1 } }]) {
      expect(updateUserSchema.safeParse({ user_metadata }).success).toBe(false);
    }
    // An own __proto__ key at the top level is refused too, not silently dropped.
    const topLevel = updateUserSchema.safeParse({ user_metadata: JSON.parse('{"__proto__": {"admin": true}, "ok": 1}') });
    expect(topLevel.error?.issues[0]?.path).toEqual(["user_metadata"]);
  });
});

describe("updateUser: block and unblock", () => {
  it("blocks and unblocks, each recorded under its own action", async () => {
    expect((await update(admins.kelly, { blocked: true })).blocked).toBe(true);
    expect((await lastAudit()).action).toBe("user.block");
    expect((await update(admins.kelly, { blocked: false })).blocked).toBe(false);
    expect((await lastAudit()).action).toBe("user.unblock");
  });

  it("refuses blocking yourself", async () => {
    const error = await failure(update(admins.kelly, { blocked: true }, admins.kelly.id));
    expect(error.status).toBe(403);
    expect(error.message).toBe("You cannot block yourself.");
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: admins.kelly.id } })).blocked).toBe(false);
  });
});

describe("updateUser: who may", () => {
  it("refuses an Auditor with 403 and changes nothing", async () => {
    const before = await row();
    const error = await failure(update(admins.aud, { name: "By auditor" }));
    expect(error.status).toBe(403);
    expect(await row()).toEqual(before);
  });

  it("answers 404 for an unknown or malformed id", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "42"]) {
      expect((await failure(update(admins.kelly, { name: "Ghost" }, id))).status).toBe(404);
    }
  });

  it("refuses an empty change and unknown fields in the schema", () => {
    expect(updateUserSchema.safeParse({}).error?.issues[0]?.message).toBe("Nothing to update: send at least one field.");
    expect(updateUserSchema.safeParse({ password_hash: "x" }).success).toBe(false);
    expect(updateUserSchema.safeParse({ logins_count: 9 }).success).toBe(false);
  });
});
