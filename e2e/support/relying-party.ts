import { expect, type Page } from "@playwright/test";
import * as client from "openid-client";

/**
 * A relying party built with openid-client for the browser tests: it builds the authorization request
 * (code flow, PKCE S256, state, nonce), the browser goes through the users' sign-in page, and the
 * redirect to the callback is caught in the browser (nothing listens there) and exchanged here.
 */
export const RP_CALLBACK = "http://localhost:4999/callback";

export interface RelyingParty {
  config: client.Configuration;
  authorizationUrl: string;
  verifier: string;
  state: string;
  nonce: string;
}

export async function startAuthorization(issuer: string, clientId: string, secret: string): Promise<RelyingParty> {
  const config = await client.discovery(new URL(issuer), clientId, secret, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: RP_CALLBACK,
    scope: "openid profile email",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { config, authorizationUrl: url.toString(), verifier, state, nonce };
}

/** Answers the callback in this page's context with a small page; resolves with the URL it was called with. */
export async function catchCallback(page: Page): Promise<() => Promise<URL>> {
  let resolve!: (url: URL) => void;
  const called = new Promise<URL>((r) => (resolve = r));
  await page.context().route(`${RP_CALLBACK}**`, async (route) => {
    resolve(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: "text/html", body: "<!DOCTYPE html><title>Signed in</title><h1>Back at the application</h1>" });
  });
  return () => called;
}

/** The code exchange and the ID token's checks (signature, issuer, audience, nonce) by openid-client. */
export async function exchange(rp: RelyingParty, callback: URL) {
  expect(callback.searchParams.get("error"), callback.searchParams.get("error_description") ?? "").toBeNull();
  const tokens = await client.authorizationCodeGrant(rp.config, callback, {
    pkceCodeVerifier: rp.verifier,
    expectedState: rp.state,
    expectedNonce: rp.nonce,
  });
  return { tokens, claims: tokens.claims()! };
}

/** Registers an application on the console's Applications page (as an Administrator); returns its credentials. */
export async function registerApplicationInConsole(page: Page, name: string, options: { firstParty: boolean }) {
  await page.goto("/settings/applications");
  const form = page.getByRole("form", { name: "Register an application" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Callback URLs").fill(RP_CALLBACK);
  await form.getByLabel(/First-party/).setChecked(options.firstParty);
  await form.getByRole("button", { name: "Register application" }).click();
  const notice = form.getByText(/is registered\. client_id:/);
  await expect(notice).toBeVisible();
  const clientId = (await notice.locator("code").textContent())!;
  const secret = (await form.getByLabel("New client secret").textContent())!;
  expect(clientId).toMatch(/^[A-Za-z0-9_-]{10,}$/);
  return { clientId, secret };
}
