import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getJob } from "@/lib/jobs/jobs";
import { kickJobs } from "@/lib/jobs/runner";
import { createUsersImportJob } from "@/lib/jobs/users-import-job";
import { usersImportJobSchema } from "@/lib/schemas/user-import";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { getVersionedUser } from "@/lib/users/get-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { Browser, RP_CALLBACK, registerApplication, signInThroughPage, startAuthorization, startOidcServer, useOidcEnvironment } from "./helpers";

/*
 * Issue 14: a migration from Auth0. The file is what Auth0's user export job writes (one JSON object a line,
 * with its own fields beside the bulk-import ones) plus the users' bcrypt hashes; the imported users then sign in
 * through Delegate's OpenID Connect provider with their old passwords, which are rehashed to argon2id.
 */

const PORT = 3369;
const issuer = useOidcEnvironment(PORT);
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let server: { close: () => Promise<void> };
let app: Awaited<ReturnType<typeof registerApplication>>;

// bcrypt (cost 10) of "Old-Auth0-pass-1" and of "Other-old-pass-2", made with htpasswd -B.
const MIA_HASH = "$2b$10$2LKET6BpMwjHS05mk/jJJuxfYVdkoGgtcBisUaR6s9zM1ac.NZzsO";

const AUTH0_EXPORT = [
  {
    user_id: "auth0|5f1a2b3c4d5e6f7a8b9c0d1e",
    email: "mia.grant@migrated.test",
    email_verified: true,
    name: "Mia Grant",
    given_name: "Mia",
    family_name: "Grant",
    nickname: "mia",
    username: "mia.grant",
    created_at: "2021-03-04T10:11:12.000Z",
    updated_at: "2024-05-06T07:08:09.000Z",
    last_login: "2024-05-06T07:08:09.000Z",
    logins_count: 42,
    identities: [{ connection: "Username-Password-Authentication", provider: "auth0", user_id: "5f1a2b3c4d5e6f7a8b9c0d1e", isSocial: false }],
    app_metadata: { memberships: ["Sales"], plan: "gold" },
    user_metadata: { language: "fr" },
    custom_password_hash: { algorithm: "bcrypt", hash: { value: MIA_HASH } },
  },
  {
    user_id: "auth0|60aa11bb22cc33dd44ee55ff",
    email: "leo.blocked@migrated.test",
    blocked: true,
    app_metadata: { memberships: ["HR"] },
    custom_password_hash: { algorithm: "bcrypt", hash: { value: MIA_HASH } },
  },
]
  .map((user) => JSON.stringify(user))
  .join("\n");

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  server = await startOidcServer(PORT);
  app = await registerApplication(admins.ian, { name: "Migrated app" });
  const connection = await db().prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
  const job = await createUsersImportJob(admins.ian, usersImportJobSchema.parse({ connection_id: connection.id }), new File([AUTH0_EXPORT], "auth0-export.json"));
  await kickJobs();
  expect(await getJob(admins.ian, job.id)).toMatchObject({ status: "completed", summary: { inserted: 2, updated: 0, unchanged: 0, failed: 0, total: 2 } });
});
afterAll(async () => server.close());

describe("users imported from an Auth0 export", () => {
  it("keep their id as an alias, in the profile and the events", async () => {
    const mia = await db().prisma.user.findFirstOrThrow({ where: { email: "mia.grant@migrated.test" } });
    expect(mia).toMatchObject({
      legacyUserId: "auth0|5f1a2b3c4d5e6f7a8b9c0d1e",
      emailVerified: true,
      username: "mia.grant",
      name: "Mia Grant",
      appMetadata: { memberships: ["Sales"], plan: "gold" },
      userMetadata: { language: "fr" },
    });
    const event = await db().prisma.event.findFirstOrThrow({ where: { type: "user.create.complete", payload: { path: ["event", "user", "id"], equals: mia.id } } });
    expect((event.payload as { event: { user: { legacyUserId: string } } }).event.user.legacyUserId).toBe("auth0|5f1a2b3c4d5e6f7a8b9c0d1e");
    expect((await db().prisma.user.findFirstOrThrow({ where: { email: "leo.blocked@migrated.test" } })).blocked).toBe(true);
    // GET /api/v2/users/{id} takes the old id too.
    const byAlias = await getVersionedUser(admins.ian, "auth0|5f1a2b3c4d5e6f7a8b9c0d1e");
    expect(byAlias.user).toMatchObject({ user_id: mia.id, email: "mia.grant@migrated.test", legacy_user_id: "auth0|5f1a2b3c4d5e6f7a8b9c0d1e" });
    await expect(getVersionedUser(admins.ian, "auth0|unknown")).rejects.toThrow("The user does not exist or you cannot see it.");
  });

  it("sign in through the OpenID Connect provider with their old password, rehashed to argon2id", async () => {
    const imported = await db().prisma.user.updateMany({ where: { email: "mia.grant@migrated.test" }, data: { passwordHash: MIA_HASH } });
    expect(imported.count).toBe(1);
    const wrong = await signInThroughPage(new Browser(), await startAuthorization(issuer, app.client_id, app.client_secret), issuer, "mia.grant@migrated.test", "Other-old-pass-2");
    expect(wrong.html).toContain("Wrong email, username or password.");

    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const result = await signInThroughPage(new Browser(), rp, issuer, "mia.grant@migrated.test", "Old-Auth0-pass-1");
    expect(result.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
    const tokens = await client.authorizationCodeGrant(rp.config, new URL(result.url), { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce });
    const mia = await db().prisma.user.findFirstOrThrow({ where: { email: "mia.grant@migrated.test" } });
    expect(tokens.claims()).toMatchObject({ sub: mia.id, email: "mia.grant@migrated.test", email_verified: true, name: "Mia Grant", groups: ["Sales"] });
    expect(mia.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const again = await signInThroughPage(new Browser(), await startAuthorization(issuer, app.client_id, app.client_secret), issuer, "mia.grant", "Old-Auth0-pass-1");
    expect(again.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
  });

  it("stay blocked when they were blocked in Auth0", async () => {
    const blocked = await signInThroughPage(new Browser(), await startAuthorization(issuer, app.client_id, app.client_secret), issuer, "leo.blocked@migrated.test", "Old-Auth0-pass-1");
    expect(blocked.url ?? "").not.toContain("code=");
    expect(blocked.html).toContain("blocked");
  });
});
