import { beforeAll, describe, expect, it } from "vitest";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { endAllSessions } from "@/lib/auth/sessions";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { DomainError } from "@/lib/errors";
import { signInSchema } from "@/lib/schemas/auth";
import { updateUserSchema } from "@/lib/schemas/user";
import { DEMO_ADMIN_PASSWORD } from "@/lib/seed/demo-data";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

const ENDED = "401 Your session has ended. Sign in again.";
/** A console session as the cookie carries it: the admin's id and the generation it was signed in with. */
const signIn = async (email: string, password = DEMO_ADMIN_PASSWORD) => {
  const admin = await signInWithPassword(signInSchema.parse({ email, password }), { ipAddress: "198.51.100.60", userAgent: "vitest" });
  return { id: admin.id, generation: admin.sessionGeneration };
};
const use = (session: { id: string; generation: number }) =>
  loadActor(session.id, "console", {}, undefined, session.generation).then(
    (actor) => `ok ${actor.email}`,
    (e: DomainError) => `${e.status} ${e.message}`,
  );
const change = (userId: string, input: unknown) => updateUser(admins.ian, userId, updateUserSchema.parse(input));

describe("ending sessions", () => {
  it("signing out ends every session of the admin, a copied cookie included", async () => {
    const here = await signIn("kelly@example.com");
    const elsewhere = await signIn("kelly@example.com");
    expect([await use(here), await use(elsewhere)]).toEqual(["ok kelly@example.com", "ok kelly@example.com"]);
    await endAllSessions(admins.kelly.id);
    expect([await use(here), await use(elsewhere)]).toEqual([ENDED, ENDED]);
    expect(await use(await signIn("kelly@example.com"))).toBe("ok kelly@example.com");
  });

  it("a password change ends the sessions; the new password signs in", async () => {
    const session = await signIn("kelly@example.com");
    try {
      await change(admins.kelly.id, { password: "Kelly-new-password-1" });
      expect(await use(session)).toBe(ENDED);
      expect(await use(await signIn("kelly@example.com", "Kelly-new-password-1"))).toBe("ok kelly@example.com");
    } finally {
      await change(admins.kelly.id, { password: DEMO_ADMIN_PASSWORD });
    }
  });

  it("a block ends the sessions, and unblocking does not bring them back", async () => {
    const session = await signIn("olga@example.com");
    await change(admins.olga.id, { blocked: true });
    await change(admins.olga.id, { blocked: false });
    expect(await use(session)).toBe(ENDED);
  });

  it("taking a console role away ends the sessions; adding one or editing the profile does not", async () => {
    const session = await signIn("olga@example.com");
    const original = admins.olga.profile.app_metadata;
    try {
      await change(admins.olga.id, { name: "Olga Renamed" });
      await change(admins.olga.id, { app_metadata: { roles: ["Delegated Admin - Operator", "Delegated Admin - Auditor"], department: "Sales" } });
      expect(await use(session)).toBe("ok olga@example.com");
      await change(admins.olga.id, { app_metadata: { roles: ["Delegated Admin - Auditor"], department: "Sales" } });
      expect(await use(session)).toBe(ENDED);
    } finally {
      await change(admins.olga.id, { app_metadata: original });
    }
  });
});
