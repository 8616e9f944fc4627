import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { Browser, RP_CALLBACK, createPerson, registerApplication, signInThroughPage, startAuthorization, startOidcServer, useOidcEnvironment } from "./helpers";

const PORT = 3365;
const issuer = useOidcEnvironment(PORT);
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let server: { close: () => Promise<void> };
let app: Awaited<ReturnType<typeof registerApplication>>;
const PASSWORD = "Correct-horse-9";

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  server = await startOidcServer(PORT);
  app = await registerApplication(admins.ian);
  await createPerson(admins.ian, "active@example.com", PASSWORD, { memberships: ["Sales"] });
  const blocked = await createPerson(admins.ian, "blocked@example.com", PASSWORD);
  await db().prisma.user.update({ where: { id: blocked.user_id }, data: { blocked: true } });
});
afterAll(async () => server.close());

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected an OAuth error"),
    (error: client.ResponseBodyError | client.WWWAuthenticateChallengeError) =>
      error instanceof client.ResponseBodyError
        ? { error: error.error, description: error.error_description }
        : { error: error.cause[0]?.parameters.error, description: error.cause[0]?.parameters.error_description },
  );

async function codeFor(login: string, ip: string) {
  const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
  const result = await signInThroughPage(new Browser(ip), rp, issuer, login, PASSWORD);
  expect(result.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
  return { rp, callback: new URL(result.url) };
}

describe("the sign-in page refuses", () => {
  it("a wrong password, on the page with role=alert, audited and sent as user.login.failed", async () => {
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const result = await signInThroughPage(new Browser("198.51.100.10"), rp, issuer, "active@example.com", "Wrong-horse-9");
    expect(result.response.status).toBe(401);
    expect(result.html).toContain('<div class="alert" role="alert" id="page-error">Wrong email, username or password.</div>');
    expect(result.html).toContain('value="active@example.com"');
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "user.login", result: "failure" }, orderBy: { createdAt: "desc" } });
    expect(audit).toMatchObject({ channel: "oidc", targetEmail: "active@example.com", ipAddress: "198.51.100.10", errorMessage: "Wrong email, username or password." });
    expect(audit.details).toEqual({ client_id: app.client_id, reason: "credentials" });
    const event = await db().prisma.event.findFirstOrThrow({ where: { type: "user.login.failed" }, orderBy: { createdAt: "desc" } });
    expect(event.payload).toMatchObject({ event: { type: "user.login.failed", applicationId: app.client_id, reason: { code: "credentials" }, user: { email: "active@example.com" } } });
  });

  it("a blocked user, with a clear message, even with the right password", async () => {
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const result = await signInThroughPage(new Browser("198.51.100.11"), rp, issuer, "blocked@example.com", PASSWORD);
    expect(result.response.status).toBe(401);
    expect(result.html).toContain('role="alert" id="page-error">Your account is blocked. Contact your administrator.</div>');
  });

  it("a user outside the application's allowed memberships: access_denied back to the application", async () => {
    const restricted = await registerApplication(admins.ian, { name: "IT only", allowed_memberships: ["IT"] });
    const rp = await startAuthorization(issuer, restricted.client_id, restricted.client_secret);
    const result = await signInThroughPage(new Browser("198.51.100.12"), rp, issuer, "active@example.com", PASSWORD);
    const callback = new URL(result.url);
    expect(callback.origin + callback.pathname).toBe(RP_CALLBACK);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(rp.state);
  });

  it("throttles like the console: after the free failures the same email+address must wait", async () => {
    const browser = new Browser("198.51.100.13");
    const statuses: number[] = [];
    let last = "";
    for (let attempt = 0; attempt < 6; attempt++) {
      const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
      const result = await signInThroughPage(browser, rp, issuer, "active@example.com", "Wrong-horse-9");
      statuses.push(result.response.status);
      last = result.html;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expect(last).toContain("Too many failed sign-in attempts. Try again in 1 minute.");
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const right = await signInThroughPage(browser, rp, issuer, "active@example.com", PASSWORD);
    expect(right.html).toContain("Too many failed sign-in attempts.");
  });
});

describe("the provider refuses", () => {
  it("an unregistered redirect URI, without redirecting to it", async () => {
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret, { redirect_uri: "http://localhost:4999/elsewhere" });
    const response = await new Browser().request(rp.authorizationUrl);
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("(invalid_redirect_uri)");
  });

  it("a code used twice (invalid_grant)", async () => {
    const { rp, callback } = await codeFor("active@example.com", "198.51.100.20");
    await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce });
    expect(await errorOf(client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce }))).toEqual({
      error: "invalid_grant",
      description: "grant request is invalid",
    });
  });

  it("a wrong PKCE verifier (invalid_grant)", async () => {
    const { rp, callback } = await codeFor("active@example.com", "198.51.100.21");
    const wrong = client.randomPKCECodeVerifier();
    expect((await errorOf(client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: wrong, expectedState: rp.state, expectedNonce: rp.nonce }))).error).toBe("invalid_grant");
  });

  it("a public client without PKCE (invalid_request)", async () => {
    const spa = await registerApplication(admins.ian, { name: "SPA", app_type: "spa" });
    const config = await client.discovery(new URL(issuer), spa.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const url = client.buildAuthorizationUrl(config, { redirect_uri: RP_CALLBACK, scope: "openid", state: "s1" });
    const response = await new Browser().request(url.toString());
    const callback = new URL(response.headers.get("location")!);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("error_description")).toBe("Authorization Server policy requires PKCE to be used for this request");
  });

  it("a wrong client secret (invalid_client)", async () => {
    const { rp, callback } = await codeFor("active@example.com", "198.51.100.22");
    const wrong = new client.Configuration(rp.config.serverMetadata(), app.client_id, "not-the-secret", client.ClientSecretBasic("not-the-secret"));
    client.allowInsecureRequests(wrong);
    expect((await errorOf(client.authorizationCodeGrant(wrong, callback, { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce }))).error).toBe("invalid_client");
  });
});

describe("revocation, introspection and logout", () => {
  it("revokes a refresh token (refused afterwards) and introspection reports it inactive", async () => {
    const { rp, callback } = await codeFor("active@example.com", "198.51.100.30");
    const tokens = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce });
    expect((await client.tokenIntrospection(rp.config, tokens.refresh_token!)).active).toBe(true);
    await client.tokenRevocation(rp.config, tokens.refresh_token!);
    expect((await client.tokenIntrospection(rp.config, tokens.refresh_token!)).active).toBe(false);
    expect((await errorOf(client.refreshTokenGrant(rp.config, tokens.refresh_token!))).error).toBe("invalid_grant");
  });

  it("RP-initiated logout ends the session: back to the application's logout URL, then a new sign-in is asked", async () => {
    const browser = new Browser("198.51.100.31");
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const signedIn = await signInThroughPage(browser, rp, issuer, "active@example.com", PASSWORD);
    const tokens = await client.authorizationCodeGrant(rp.config, new URL(signedIn.url), { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce });
    // Signed in: a second authorization needs no password.
    const again = await startAuthorization(issuer, app.client_id, app.client_secret);
    expect((await browser.follow(again.authorizationUrl, issuer)).url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);

    const logoutUrl = client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "http://localhost:4999/signed-out", state: "bye" });
    const confirm = await browser.follow(logoutUrl.toString(), issuer);
    expect(confirm.response.status).toBe(200);
    const html = await confirm.response.text();
    expect(html).toContain("Do you want to sign out of <strong>Test app</strong>?");
    const done = await browser.submit(confirm, html, { logout: "yes" }, issuer);
    expect(done.url).toBe("http://localhost:4999/signed-out?state=bye");

    const afterLogout = await startAuthorization(issuer, app.client_id, app.client_secret);
    const page = await browser.follow(afterLogout.authorizationUrl, issuer);
    expect(new URL(page.url).pathname).toMatch(/^\/interaction\//);
    const logout = await db().prisma.event.findFirst({ where: { type: "user.logout" } });
    expect(logout?.payload).toMatchObject({ event: { type: "user.logout", applicationId: app.client_id, user: { email: "active@example.com" } } });
  });

  it("refuses a post-logout URL that is not registered exactly", async () => {
    const { rp, callback } = await codeFor("active@example.com", "198.51.100.32");
    const tokens = await client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: rp.verifier, expectedState: rp.state, expectedNonce: rp.nonce });
    const url = client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "http://localhost:4999/signed-out/" });
    const response = await new Browser().request(url.toString());
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("post_logout_redirect_uri not registered");
  });
});
