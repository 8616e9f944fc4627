import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { emailIpKey, ipKey } from "@/lib/auth/sign-in-throttle";
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
    expect(result).toEqual({ id: admins.kelly.id, email: "kelly@example.com", sessionGeneration: 0 });
    const after = await db().prisma.user.findUniqueOrThrow({ where: { id: admins.kelly.id } });
    expect(after.loginsCount).toBe(before.loginsCount + 1);
    expect(after.lastLogin?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const audit = await db().prisma.auditLog.findFirstOrThrow({
      where: { action: "auth.sign_in", actorId: admins.kelly.id, ipAddress: "198.51.100.1" },
    });
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
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => "signed in",
      (e: DomainError) => `${e.status} ${e.message}`,
    );
  const WAIT = (minutes: number) => `429 Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  const NETWORK_WAIT = "429 Too many failed sign-in attempts from your network. Try again in 15 minutes.";
  /** Lets the current wait of one email and address run out, as if its time had passed. */
  const waitRunsOut = (email: string, ip: string) =>
    db().prisma.signInThrottle.update({ where: { key: emailIpKey(email, ip) }, data: { notBefore: new Date(Date.now() - 1_000) } });
  const evaluatedFailures = (email: string, ip: string) =>
    db().prisma.auditLog.count({ where: { action: "auth.sign_in", result: "failure", targetEmail: email, ipAddress: ip } });

  it("of 16 guesses sent at once for one email from one address only 5 are evaluated; the right password then waits", async () => {
    const ip = "198.51.100.10";
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => outcome(signIn("ian@example.com", `Wrong-${i}`, ip))));
    expect(results.filter((r) => r === `401 ${WRONG}`)).toHaveLength(5);
    expect(results.filter((r) => r === WAIT(1))).toHaveLength(11);
    expect(await evaluatedFailures("ian@example.com", ip)).toBe(5);
    expect(await outcome(signIn("ian@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe(WAIT(1));
    // The attacker's address does not lock the Administrator out: from another address the password works.
    expect(await outcome(signIn("ian@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.11"))).toBe("signed in");
    // Nor other admins from the same address.
    expect(await outcome(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe("signed in");
  });

  it("each failure past the fifth doubles the wait, up to 15 minutes; the right password after a wait signs in and starts afresh", async () => {
    const ip = "198.51.100.20";
    for (let i = 0; i < 4; i++) expect(await outcome(signIn("olga@example.com", `Wrong-${i}`, ip))).toBe(`401 ${WRONG}`);
    expect(await outcome(signIn("olga@example.com", "Wrong-4", ip))).toBe(`401 ${WRONG}`);
    expect(await outcome(signIn("olga@example.com", "Wrong-5", ip))).toBe(WAIT(1));
    for (const minutes of [2, 4, 8, 15, 15]) {
      await waitRunsOut("olga@example.com", ip);
      expect(await outcome(signIn("olga@example.com", "Wrong-again", ip))).toBe(`401 ${WRONG}`);
      expect(await outcome(signIn("olga@example.com", "Wrong-too-soon", ip))).toBe(WAIT(minutes));
    }
    expect(await evaluatedFailures("olga@example.com", ip)).toBe(10);
    await waitRunsOut("olga@example.com", ip);
    expect(await outcome(signIn("olga@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe("signed in");
    for (let i = 0; i < 5; i++) expect(await outcome(signIn("olga@example.com", `Wrong-after-${i}`, ip))).toBe(`401 ${WRONG}`);
    expect(await outcome(signIn("olga@example.com", "Wrong-after-5", ip))).toBe(WAIT(1));
  });

  it("remembers an email and address's failures for an hour without attempts, not a minute more", async () => {
    const ip = "198.51.100.26";
    for (let i = 0; i < 5; i++) await outcome(signIn("aud@example.com", `Wrong-${i}`, ip));
    const lessThanAnHourAgo = new Date(Date.now() - 59 * 60_000);
    await db().prisma.signInThrottle.update({ where: { key: emailIpKey("aud@example.com", ip) }, data: { updatedAt: lessThanAnHourAgo, notBefore: lessThanAnHourAgo } });
    expect(await outcome(signIn("aud@example.com", "Wrong-5", ip))).toBe(`401 ${WRONG}`);
    expect(await outcome(signIn("aud@example.com", "Wrong-6", ip))).toBe(WAIT(2));
  });

  it("forgets an email and address's failures after an hour without attempts", async () => {
    const ip = "198.51.100.25";
    for (let i = 0; i < 5; i++) await outcome(signIn("aud@example.com", `Wrong-${i}`, ip));
    const anHourAgo = new Date(Date.now() - 60 * 60_000 - 1_000);
    await db().prisma.signInThrottle.update({ where: { key: emailIpKey("aud@example.com", ip) }, data: { updatedAt: anHourAgo, notBefore: anHourAgo } });
    for (let i = 0; i < 5; i++) expect(await outcome(signIn("aud@example.com", `Wrong-later-${i}`, ip))).toBe(`401 ${WRONG}`);
    expect(await outcome(signIn("aud@example.com", "Wrong-later-5", ip))).toBe(WAIT(1));
  });

  it("of 40 guesses at once over unknown emails from one address only 30 are evaluated; the address then waits for its window", async () => {
    const ip = "198.51.100.40";
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => outcome(signIn(`guess${i}@example.com`, DEMO_ADMIN_PASSWORD, ip))),
    );
    expect(results.filter((r) => r === `401 ${WRONG}`)).toHaveLength(30);
    expect(results.filter((r) => r === NETWORK_WAIT)).toHaveLength(10);
    expect(await outcome(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe(NETWORK_WAIT);
    expect(await outcome(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, "198.51.100.41"))).toBe("signed in");
    await db().prisma.signInThrottle.update({ where: { key: ipKey(ip) }, data: { windowStart: new Date(Date.now() - 15 * 60_000 - 1_000) } });
    expect(await outcome(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe("signed in");
  });

  it("attempts refused while an email waits do not use up the address's allowance for other emails", async () => {
    const ip = "198.51.100.60";
    for (let i = 0; i < 5; i++) expect(await outcome(signIn("aud@example.com", `Wrong-${i}`, ip))).toBe(`401 ${WRONG}`);
    for (let i = 0; i < 30; i++) expect(await outcome(signIn("aud@example.com", `Wrong-waiting-${i}`, ip))).toBe(WAIT(1));
    expect(await outcome(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe("signed in");
  });

  it("a success does not use up the address's allowance: the 30th failure is still evaluated, the 31st attempt is refused", async () => {
    const ip = "198.51.100.50";
    for (let i = 0; i < 29; i++) expect(await outcome(signIn(`nobody${i}@example.com`, "Wrong-1", ip))).toBe(`401 ${WRONG}`);
    expect(await outcome(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe("signed in");
    expect(await outcome(signIn("nobody29@example.com", "Wrong-1", ip))).toBe(`401 ${WRONG}`);
    expect(await outcome(signIn("kelly@example.com", DEMO_ADMIN_PASSWORD, ip))).toBe(NETWORK_WAIT);
  });
});
