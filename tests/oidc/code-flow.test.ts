import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { Browser, RP_CALLBACK, createPerson, registerApplication, signInThroughPage, startAuthorization, startOidcServer, useOidcEnvironment } from "./helpers";

const PORT = 3362;
const issuer = useOidcEnvironment(PORT);
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let server: { close: () => Promise<void> };
let app: Awaited<ReturnType<typeof registerApplication>>;
let personId: string;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  server = await startOidcServer(PORT);
  app = await registerApplication(admins.ian, { name: "Intranet", groups_claim: "https://intranet.example/groups", user_metadata_claims: ["title"] });
  const person = await createPerson(admins.ian, "pat.person@example.com", "Correct-horse-9", {
    name: "Pat Person",
    given_name: "Pat",
    family_name: "Person",
    username: "pat",
    memberships: ["Sales"],
    user_metadata: { title: "Buyer", secret_note: "not for apps" },
  });
  personId = person.user_id;
});
afterAll(async () => server.close());

describe("discovery", () => {
  it("publishes the endpoints under the console's URL, code flow only, S256 PKCE, RS256 and ES256", async () => {
    const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    expect(doc.issuer).toBe(issuer);
    expect(doc.authorization_endpoint).toBe(`${issuer}/oidc/authorize`);
    expect(doc.token_endpoint).toBe(`${issuer}/oidc/token`);
    expect(doc.userinfo_endpoint).toBe(`${issuer}/oidc/userinfo`);
    expect(doc.jwks_uri).toBe(`${issuer}/oidc/jwks`);
    expect(doc.end_session_endpoint).toBe(`${issuer}/oidc/logout`);
    expect(doc.revocation_endpoint).toBe(`${issuer}/oidc/revoke`);
    expect(doc.introspection_endpoint).toBe(`${issuer}/oidc/introspect`);
    expect(doc.response_types_supported).toEqual(["code"]);
    expect(doc.grant_types_supported).toEqual(["authorization_code", "refresh_token"]);
    expect(doc.code_challenge_methods_supported).toEqual(["S256"]);
    expect(doc.id_token_signing_alg_values_supported).toEqual(["RS256", "ES256"]);
    const jwks = await (await fetch(doc.jwks_uri)).json();
    expect(jwks.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    expect(jwks.keys.every((k: Record<string, unknown>) => k.d === undefined && k.p === undefined)).toBe(true);
  });

  it("keeps the private keys encrypted in the database", async () => {
    const rows = await db().prisma.oidcSigningKey.findMany();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.privateJwk.startsWith("v1:")).toBe(true);
      expect(row.privateJwk).not.toContain('"d"');
    }
  });
});

describe("code flow with PKCE through the sign-in page", () => {
  it("signs in, verifies the ID token's signature and claims, reads userinfo, rotates the refresh token", async () => {
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    client.enableNonRepudiationChecks(rp.config);
    const browser = new Browser();
    const result = await signInThroughPage(browser, rp, issuer, "pat.person@example.com", "Correct-horse-9");
    expect(result.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);

    const tokens = await client.authorizationCodeGrant(rp.config, new URL(result.url), {
      pkceCodeVerifier: rp.verifier,
      expectedState: rp.state,
      expectedNonce: rp.nonce,
    });
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(issuer);
    expect(claims.aud).toBe(app.client_id);
    expect(claims.sub).toBe(personId);
    expect(claims.email).toBe("pat.person@example.com");
    expect(claims.email_verified).toBe(false);
    expect(claims.name).toBe("Pat Person");
    expect(claims.given_name).toBe("Pat");
    expect(claims.family_name).toBe("Person");
    expect(claims.preferred_username).toBe("pat");
    expect(claims["https://intranet.example/groups"]).toEqual(["Sales"]);
    expect(claims.user_metadata).toEqual({ title: "Buyer" });
    expect(claims.exp! - claims.iat).toBe(36_000);

    const userinfo = await client.fetchUserInfo(rp.config, tokens.access_token, personId);
    expect(userinfo.email).toBe("pat.person@example.com");
    expect(userinfo["https://intranet.example/groups"]).toEqual(["Sales"]);

    const user = await db().prisma.user.findUniqueOrThrow({ where: { id: personId } });
    expect(user.loginsCount).toBe(1);
    expect(user.lastLogin).not.toBeNull();

    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const reuse = await client.refreshTokenGrant(rp.config, tokens.refresh_token!).catch((e: client.ResponseBodyError) => e);
    expect((reuse as client.ResponseBodyError).error).toBe("invalid_grant");
    // Reusing a rotated token revokes the whole grant: the newer token is refused too.
    const after = await client.refreshTokenGrant(rp.config, refreshed.refresh_token!).catch((e: client.ResponseBodyError) => e);
    expect((after as client.ResponseBodyError).error).toBe("invalid_grant");
  });
});
