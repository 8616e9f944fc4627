import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { clearAllMemos } from "@/lib/cache/memo";
import { signOutEverywhere } from "@/lib/oidc/revoke";
import { listGrantedApplications, listRecentSignIns } from "@/lib/oidc/user-activity";
import { saveHookSchema } from "@/lib/schemas/hook";
import { updateUserSchema } from "@/lib/schemas/user";
import { getUser } from "@/lib/users/get-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { Browser, createPerson, registerApplication, signInThroughPage, startAuthorization, startOidcServer, useOidcEnvironment } from "./helpers";

const PORT = 3368;
const issuer = useOidcEnvironment(PORT);
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let server: { close: () => Promise<void> };
let app: Awaited<ReturnType<typeof registerApplication>>;
const PASSWORD = "Correct-horse-9";

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  server = await startOidcServer(PORT);
  app = await registerApplication(admins.ian, { name: "Wiki" });
});
afterAll(async () => server.close());

let counter = 0;
/** A fresh user signed in to the application: their refresh token and the browser holding their session. */
async function signedInPerson() {
  const email = `everywhere${++counter}@example.com`;
  const person = await createPerson(admins.ian, email, PASSWORD, { memberships: ["IT"] });
  const browser = new Browser(`198.51.100.${60 + counter}`);
  const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
  const signedIn = await signInThroughPage(browser, rp, issuer, email, PASSWORD);
  const tokens = await client.authorizationCodeGrant(rp.config, new URL(signedIn.url), { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce });
  return { person, browser, rp, tokens };
}

const refreshError = (rp: { config: client.Configuration }, token: string) =>
  client.refreshTokenGrant(rp.config, token).then(
    () => "accepted",
    (error: client.ResponseBodyError) => error.error,
  );

async function needsSignInAgain(browser: Browser) {
  const again = await startAuthorization(issuer, app.client_id, app.client_secret);
  return new URL((await browser.follow(again.authorizationUrl, issuer)).url).pathname.startsWith("/interaction/");
}

describe("Sign out everywhere", () => {
  it("revokes the refresh tokens and ends the provider session; the console shows the sign-in and the grant until then", async () => {
    const { person, browser, rp, tokens } = await signedInPerson();
    const user = await getUser(admins.ian, person.user_id);
    const signIns = await listRecentSignIns(admins.ian, user);
    expect(signIns?.map((entry) => [entry.application, entry.ipAddress, entry.result])).toEqual([["Wiki", `198.51.100.${60 + counter}`, "success"]]);
    expect(await listGrantedApplications(admins.ian, user)).toMatchObject([{ name: "Wiki" }]);
    expect(await needsSignInAgain(browser)).toBe(false);

    const { revoked } = await signOutEverywhere(admins.ian, person.user_id);
    expect(revoked).toBeGreaterThan(0);
    expect(await refreshError(rp, tokens.refresh_token!)).toBe("invalid_grant");
    expect(await needsSignInAgain(browser)).toBe(true);
    expect(await listGrantedApplications(admins.ian, user)).toEqual([]);
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "user.revoke_sessions", targetUserId: person.user_id } });
    expect(audit.result).toBe("success");
  });

  it("asks the Access Hook for revoke:sessions, and a denial keeps the tokens", async () => {
    const { person, rp, tokens } = await signedInPerson();
    await saveHook(
      admins.ian,
      saveHookSchema.parse({
        kind: "access",
        code: `function (ctx, callback) { if (ctx.payload.action === "revoke:sessions") return callback(new Error("Not during the audit.")); callback(); }`,
        timeoutMs: 5000,
      }),
    );
    try {
      const refused = await signOutEverywhere(admins.ian, person.user_id).catch((error: DomainError) => error);
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).message).toBe("Not during the audit.");
      expect(await refreshError(rp, tokens.refresh_token!)).toBe("accepted");
    } finally {
      await db().prisma.hook.deleteMany({ where: { kind: "access" } });
      clearAllMemos();
    }
  });

  it("says why the applications are not shown when the Access Hook fails on read:user after the page loaded the user", async () => {
    const { person } = await signedInPerson();
    const user = await getUser(admins.kelly, person.user_id);
    await saveHook(
      admins.ian,
      saveHookSchema.parse({ kind: "access", code: `function (ctx, callback) { callback(new Error("Access checks are down.")); }`, timeoutMs: 5000 }),
    );
    try {
      expect(await listGrantedApplications(admins.kelly, user)).toEqual({ refused: "Not shown: Access checks are down." });
    } finally {
      await db().prisma.hook.deleteMany({ where: { kind: "access" } });
      clearAllMemos();
    }
  });

  it("hides recent sign-ins from an admin the Access Hook refuses read:logs of the user", async () => {
    const { person } = await signedInPerson();
    const user = await getUser(admins.kelly, person.user_id);
    expect(await listRecentSignIns(admins.kelly, user)).toHaveLength(1);
    await saveHook(
      admins.ian,
      saveHookSchema.parse({
        kind: "access",
        code: `function (ctx, callback) { if (ctx.payload.action === "read:logs") return callback(new Error("No logs.")); callback(); }`,
        timeoutMs: 5000,
      }),
    );
    try {
      expect(await listRecentSignIns(admins.kelly, user)).toBeNull();
    } finally {
      await db().prisma.hook.deleteMany({ where: { kind: "access" } });
      clearAllMemos();
    }
  });
});

describe("blocking and a new password sign the user out of applications", () => {
  it("blocking revokes the refresh token", async () => {
    const { person, rp, tokens } = await signedInPerson();
    await updateUser(admins.ian, person.user_id, updateUserSchema.parse({ blocked: true }));
    expect(await refreshError(rp, tokens.refresh_token!)).toBe("invalid_grant");
  });

  it("a password change revokes the refresh token; a name change does not", async () => {
    const { person, rp, tokens } = await signedInPerson();
    await updateUser(admins.ian, person.user_id, updateUserSchema.parse({ name: "Renamed" }));
    const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token!);
    await updateUser(admins.ian, person.user_id, updateUserSchema.parse({ password: "Another-horse-10" }));
    expect(await refreshError(rp, refreshed.refresh_token!)).toBe("invalid_grant");
  });
});
