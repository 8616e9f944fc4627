import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP, SIGN_IN_WINDOW_MS, signInWithPassword } from "@/lib/auth/sign-in";
import { DomainError } from "@/lib/errors";
import { signInSchema } from "@/lib/schemas/auth";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_ADMIN_PASSWORD, DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

const signIn = (email: string, password: string, ipAddress: string) =>
  signInWithPassword(signInSchema.parse({ email, password }), { ipAddress, userAgent: "vitest" });
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a refusal"), (e: DomainError) => e);
const WRONG = "Wrong email or password.";

describe("signInWithPassword", () => {
  it("signs in an admin, whatever the case of the email, and records the login", async () => {
    const before = await db().prisma.user.findUniqueOrThrow({ where: { id: admins.kelly.id } });
    const result = await signIn("Kelly@Example.COM", DEMO_ADMIN_PASSWORD, "198.51.100.1");
    expect(result).toEqual({ id: admins.kelly.id, email: "kelly@example.com" });
    const after = await db().prisma.user.findUniqueOrThrow({ where: { id: admins.kelly.id } });
    expect(after.loginsCount).toBe(before.loginsCount + 1);
    expect(after.lastLogin?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "auth.sign_in", actorId: admins.kelly.id } });
    expect(audit).toMatchObject({ result: "success", ipAddress: "198.51.100.1", userAgent: "vitest" });
  });

  it("refuses a wrong password and an unknown email with the same message, and records both", async () => {
    const wrong = await refusal(signIn("kelly@example.com", "Not-the-password-1", "198.51.100.2"));
    const unknown = await refusal(signIn("nobody@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.2"));
    for (const error of [wrong, unknown]) {
      expect(error.status).toBe(401);
      expect(error.message).toBe(WRONG);
    }
    const failures = await db().prisma.auditLog.findMany({ where: { action: "auth.sign_in", result: "failure", ipAddress: "198.51.100.2" } });
    expect(failures.map((f) => f.targetEmail).sort()).toEqual(["kelly@example.com", "nobody@example.com"]);
    expect(JSON.stringify(failures)).not.toContain("Not-the-password-1");
  });

  it("refuses a blocked admin with a clear message, but only once the password is right", async () => {
    await updateUser(admins.ian, admins.olga.id, updateUserSchema.parse({ blocked: true }));
    expect((await refusal(signIn("olga@example.com", "Not-the-password-1", "198.51.100.3"))).message).toBe(WRONG);
    const blocked = await refusal(signIn("olga@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.3"));
    expect(blocked.status).toBe(401);
    expect(blocked.message).toBe("Your account is blocked. Contact your administrator.");
    await updateUser(admins.ian, admins.olga.id, updateUserSchema.parse({ blocked: false }));
    expect((await signIn("olga@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.3")).id).toBe(admins.olga.id);
  });

  it("refuses a user without a Delegated Admin role", async () => {
    await createUser(
      admins.ian,
      createUserSchema.parse({ email: "plain@example.com", password: "Plain-user-pass-1", connection: DEMO_CONNECTION, app_metadata: { roles: ["Viewer"] } }),
    );
    const error = await refusal(signIn("plain@example.com", "Plain-user-pass-1", "198.51.100.4"));
    expect(error.status).toBe(401);
    expect(error.message).toBe("Your account has no Delegated Admin role, so it cannot use this console.");
  });
});

describe("sign-in throttling", () => {
  it(`refuses an email after ${MAX_FAILURES_PER_EMAIL} failures, even with the right password and from another address`, async () => {
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      expect((await refusal(signIn("ian@example.com", `Wrong-${i}`, "198.51.100.10"))).message).toBe(WRONG);
    }
    for (const ip of ["198.51.100.10", "198.51.100.11"]) {
      const error = await refusal(signIn("ian@example.com", DEMO_ADMIN_PASSWORD, ip));
      expect(error.status).toBe(429);
      expect(error.message).toBe("Too many failed sign-in attempts. Try again in 15 minutes.");
    }
    // Other admins signing in from the same address are not affected.
    expect((await signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.10")).email).toBe("kelly@example.com");
  });

  it("says how long is left, counting from the oldest failure that still counts", async () => {
    const ago = (ms: number) => new Date(Date.now() - ms);
    const failures = (email: string, ms: number) =>
      db().prisma.signInAttempt.createMany({
        data: Array.from({ length: MAX_FAILURES_PER_EMAIL }, () => ({ email, ipAddress: "198.51.100.20", succeeded: false, createdAt: ago(ms) })),
      });
    await failures("aud@example.com", 10 * 60_000 + 5_000);
    expect((await refusal(signIn("aud@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.21"))).message).toBe(
      "Too many failed sign-in attempts. Try again in 5 minutes.",
    );
    await db().prisma.signInAttempt.deleteMany({ where: { email: "aud@example.com" } });
    await failures("aud@example.com", SIGN_IN_WINDOW_MS - 30_000);
    expect((await refusal(signIn("aud@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.21"))).message).toBe(
      "Too many failed sign-in attempts. Try again in 1 minute.",
    );
  });

  it("forgets failures older than the window", async () => {
    await db().prisma.signInAttempt.updateMany({
      where: { email: "aud@example.com" },
      data: { createdAt: new Date(Date.now() - SIGN_IN_WINDOW_MS - 1_000) },
    });
    expect((await signIn("aud@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.21")).id).toBe(admins.aud.id);
  });

  it("keeps counting failures across a success: a success does not grant fresh attempts", async () => {
    const ip = "198.51.100.30";
    await db().prisma.signInAttempt.deleteMany({ where: { email: "olga@example.com" } });
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL - 1; i++) await refusal(signIn("olga@example.com", `Wrong-${i}`, ip));
    await signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip);
    await signIn("olga@example.com", DEMO_ADMIN_PASSWORD, ip);
    expect((await refusal(signIn("olga@example.com", "Wrong-last", ip))).message).toBe(WRONG);
    expect((await refusal(signIn("olga@example.com", DEMO_ADMIN_PASSWORD, ip))).status).toBe(429);
  });

  it(`refuses an address after ${MAX_FAILURES_PER_IP} failures over any emails`, async () => {
    const ip = "198.51.100.40";
    await db().prisma.signInAttempt.createMany({
      data: Array.from({ length: MAX_FAILURES_PER_IP }, (_, i) => ({ email: `guess${i}@example.com`, ipAddress: ip, succeeded: false })),
    });
    const error = await refusal(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip));
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/Try again in 15 minutes\.$/);
    expect((await signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.41")).email).toBe("kelly@example.com");
  });
});
