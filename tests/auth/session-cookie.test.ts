import NextAuth from "next-auth";
import { getToken } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as listUsersRoute } from "@/app/api/v2/users/route";
import { getAuthSecret } from "@/lib/auth/secret";
import { authOptions } from "@/lib/auth/next-auth";
import { resetConfigForTests } from "@/lib/config";
import { DEMO_ADMIN_PASSWORD } from "@/lib/seed/demo-data";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins } from "../helpers/fixtures";

/*
 * The console's session cookie, as next-auth writes it with Delegate's options: HttpOnly and SameSite=Lax
 * always, Secure (and the __Secure- prefix) when the console is served over https; and the API refuses it.
 */

process.env.NEXTAUTH_SECRET = "session-cookie-test-secret-0123456789abcdef";
const db = useTestDatabase();
const saved = { DELEGATE_PUBLIC_URL: process.env.DELEGATE_PUBLIC_URL, NEXTAUTH_URL: process.env.NEXTAUTH_URL };

beforeAll(async () => {
  await seedAndLoadAdmins(db(), 0);
});

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetConfigForTests();
});

function serveAt(publicUrl: string) {
  process.env.DELEGATE_PUBLIC_URL = publicUrl;
  process.env.NEXTAUTH_URL = publicUrl;
  resetConfigForTests();
}

interface Answer {
  status: number;
  setCookies: string[];
  body: unknown;
}

/**
 * One request through next-auth's handler with Delegate's options (its request/response interface of
 * Next's API routes; the App Router's needs a live Next request scope): the status, the Set-Cookie
 * headers next-auth serialised, the body.
 */
async function auth(publicUrl: string, action: string[], request: { method?: string; cookies?: Record<string, string>; body?: unknown } = {}) {
  const answer: Answer = { status: 200, setCookies: [], body: undefined };
  const headers: Record<string, string | string[]> = {};
  const res = {
    status(code: number) {
      answer.status = code;
      return res;
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
    setHeader(name: string, value: string | string[]) {
      headers[name.toLowerCase()] = value;
      return res;
    },
    send(body: unknown) {
      answer.body = body;
    },
    json(body: unknown) {
      answer.body = body;
    },
    end() {},
  };
  const req = {
    method: request.method ?? "GET",
    query: { nextauth: action },
    cookies: request.cookies ?? {},
    headers: { host: new URL(publicUrl).host, "x-forwarded-for": "198.51.100.71" },
    body: request.body ?? {},
  };
  await (NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>)(req, res, authOptions());
  const cookies = headers["set-cookie"] ?? [];
  answer.setCookies = Array.isArray(cookies) ? cookies : [cookies];
  return answer;
}

/** Signs Kelly in with the email and password form as the browser does; the Set-Cookie headers of the answer. */
async function signInCookies(publicUrl: string): Promise<string[]> {
  const csrf = await auth(publicUrl, ["csrf"]);
  const { csrfToken } = csrf.body as { csrfToken: string };
  const [csrfName, csrfValue] = csrf.setCookies[0].split(";")[0].split(/=(.*)/s);
  const signedIn = await auth(publicUrl, ["callback", "credentials"], {
    method: "POST",
    cookies: { [csrfName]: decodeURIComponent(csrfValue) },
    body: { csrfToken, email: "kelly@example.com", password: DEMO_ADMIN_PASSWORD, json: "true" },
  });
  expect(signedIn.body).toEqual({ url: publicUrl });
  return signedIn.setCookies;
}

const sessionCookieOf = (cookies: string[]) => cookies.find((cookie) => /^(__Secure-)?next-auth\.session-token=/.test(cookie)) ?? "";
/** The attributes of a Set-Cookie header, without its value and expiry (which change every time). */
const attributesOf = (cookie: string) =>
  cookie
    .split("; ")
    .slice(1)
    .filter((attribute) => !/^Expires=/i.test(attribute));

describe("the console's session cookie", () => {
  it("is HttpOnly and SameSite=Lax, and not Secure over http (a browser would drop it)", async () => {
    serveAt("http://console.test");
    const cookie = sessionCookieOf(await signInCookies("http://console.test"));
    expect(cookie.startsWith("next-auth.session-token=")).toBe(true);
    expect(attributesOf(cookie)).toEqual(["Path=/", "HttpOnly", "SameSite=Lax"]);
  });

  it("is also Secure, with the __Secure- prefix, when the console is served over https", async () => {
    serveAt("https://console.test");
    const cookie = sessionCookieOf(await signInCookies("https://console.test"));
    expect(cookie.startsWith("__Secure-next-auth.session-token=")).toBe(true);
    expect(attributesOf(cookie)).toEqual(["Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);
  });
});

describe("the API and the console's session", () => {
  it("refuses a valid console session cookie alone with 401: the API takes API tokens only", async () => {
    serveAt("http://console.test");
    const cookie = sessionCookieOf(await signInCookies("http://console.test")).split(";")[0];
    // The cookie is a live console session of Kelly's ...
    const session = await getToken({ req: new NextRequest("http://console.test/users", { headers: { cookie } }), secret: getAuthSecret() });
    expect(session?.email).toBe("kelly@example.com");
    // ... and the API does not take it.
    // Next hands route handlers a NextRequest (with its cookies).
    const response = await listUsersRoute(new NextRequest("http://console.test/api/v2/users", { headers: { cookie } }), { params: Promise.resolve({}) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      statusCode: 401,
      error: "Unauthorized",
      message: "Send an API token: Authorization: Bearer <token>. Administrators create tokens in the console.",
    });
  });
});
