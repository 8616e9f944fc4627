import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { expect } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createApplication } from "@/lib/applications/applications";
import { oidcRequestListener } from "@/lib/oidc/http";
import { forgetOidcProvider } from "@/lib/oidc/provider-state";
import { createApplicationSchema } from "@/lib/schemas/application";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";

/** The provider's public URL in tests (this engineer's port range): set before the configuration is read. */
export function useOidcEnvironment(port: number): string {
  const issuer = `http://127.0.0.1:${port}`;
  process.env.DELEGATE_PUBLIC_URL = issuer;
  process.env.NEXTAUTH_SECRET = "oidc-tests-secret-0123456789abcdef0123456789";
  forgetOidcProvider();
  return issuer;
}

/** The provider and the sign-in pages on a real HTTP server (as the custom server mounts them); other paths 404. */
export async function startOidcServer(port: number): Promise<{ close: () => Promise<void> }> {
  const server = http.createServer(
    oidcRequestListener((_req, res) => {
      res.statusCode = 404;
      res.end("not found");
    }),
  );
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  expect((server.address() as AddressInfo).port).toBe(port);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const RP_CALLBACK = "http://localhost:4999/callback";
export const RP_LOGOUT = "http://localhost:4999/signed-out";

export async function registerApplication(admin: Actor, fields: Record<string, unknown> = {}) {
  return createApplication(
    admin,
    createApplicationSchema.parse({ name: "Test app", app_type: "regular_web", callbacks: [RP_CALLBACK], allowed_logout_urls: [RP_LOGOUT], ...fields }),
  );
}

export async function createPerson(admin: Actor, email: string, password: string, extra: Record<string, unknown> = {}) {
  return createUser(admin, createUserSchema.parse({ email, password, connection: DEMO_CONNECTION, ...extra }));
}

/** A browser enough for the sign-in pages: a cookie jar, redirects followed on the provider's origin only. */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly forwardedFor = "198.51.100.1") {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", this.forwardedFor);
    headers.set("user-agent", "vitest-browser");
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...rest] = pair.split("=");
      const value = rest.join("=");
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && new Date(a.split("=")[1]).getTime() < Date.now());
      if (!value || expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }

  /** Follows redirects while they stay on `origin`; returns the last response and where it came from or points to. */
  async follow(url: string, origin: string, init?: RequestInit): Promise<{ response: Response; url: string }> {
    let response = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get("location")!, current).toString();
      if (!next.startsWith(origin)) return { response, url: next };
      current = next;
      response = await this.request(current);
    }
    return { response, url: current };
  }

  /** Submits the page's form (first <form>) with the given fields. */
  async submit(page: { response: Response; url: string }, html: string, fields: Record<string, string>, origin: string) {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBeTruthy();
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    return this.follow(new URL(action!.replace(/&amp;/g, "&"), page.url).toString(), origin, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...hidden, ...fields }).toString(),
    });
  }
}

export interface RelyingParty {
  config: client.Configuration;
  verifier: string;
  state: string;
  nonce: string;
  authorizationUrl: string;
}

/** An openid-client relying party's authorization request (code flow, PKCE S256). */
export async function startAuthorization(issuer: string, clientId: string, secret?: string, extra: Record<string, string> = {}): Promise<RelyingParty> {
  const config = await client.discovery(new URL(issuer), clientId, secret, secret ? client.ClientSecretBasic(secret) : client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: RP_CALLBACK,
    scope: "openid profile email phone offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { config, verifier, state, nonce, authorizationUrl: url.toString() };
}

/** Signs in through the real sign-in page; returns the callback URL the browser was sent to (or the page shown). */
export async function signInThroughPage(browser: Browser, rp: RelyingParty, issuer: string, login: string, password: string) {
  const page = await browser.follow(rp.authorizationUrl, issuer);
  expect(page.response.status).toBe(200);
  const html = await page.response.text();
  expect(html).toContain('<label for="login">Email or username</label>');
  const result = await browser.submit(page, html, { login, password }, issuer);
  return { ...result, html: result.response.status === 200 || result.response.status >= 400 ? await result.response.text() : "" };
}
