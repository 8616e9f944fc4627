import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { proxy } from "@/proxy";

const ORIGIN = "http://console.test";
const ACTION = "7f78bb560f5c2baabeed0cad0fbe80f4b2af8baa5b";
const savedEnv = { ...process.env };

function withEnv(env: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetConfigForTests();
}

afterEach(() => {
  for (const key of ["DELEGATE_PUBLIC_URL", "NEXTAUTH_URL", "DELEGATE_TRUSTED_PROXY_HOPS"]) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  resetConfigForTests();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  proxy(new NextRequest(`${ORIGIN}${path}`, { headers: { host: "console.test", ...headers } }));

function action(body: BodyInit, headers: Record<string, string> = {}) {
  return proxy(
    new NextRequest(`${ORIGIN}/users/new`, {
      method: "POST",
      headers: { host: "console.test", origin: ORIGIN, "next-action": ACTION, "content-type": "text/plain;charset=UTF-8", ...headers },
      body,
      duplex: "half",
    }),
  );
}

/** Passed on to Next.js (not answered by the proxy). */
const passedOn = (response: Response) => response.headers.get("x-middleware-next") === "1";

async function refusal(response: Response) {
  return { status: response.status, body: await response.json() };
}

describe("content security policy", () => {
  it("allows scripts only from the console's origin or with a fresh per-request nonce, never 'unsafe-inline'", async () => {
    withEnv({ DELEGATE_PUBLIC_URL: "http://console.test" });
    const first = await get("/users");
    const second = await get("/users");
    const policy = first.headers.get("content-security-policy") ?? "";
    const scriptSrc = policy.split("; ").find((directive) => directive.startsWith("script-src "));
    expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' *$/);
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("worker-src 'self' blob:");
    // Next.js reads the nonce from the request's policy: the proxy hands the same policy on.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(second.headers.get("content-security-policy")).not.toBe(policy);
  });
});

describe("HSTS and caching", () => {
  it("sends Strict-Transport-Security only when the console's public URL is https", async () => {
    withEnv({ DELEGATE_PUBLIC_URL: "https://console.test" });
    expect((await get("/users")).headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect((await get("/api/v2/users")).headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    withEnv({ DELEGATE_PUBLIC_URL: "http://console.test" });
    expect((await get("/users")).headers.get("strict-transport-security")).toBeNull();
  });

  it("marks every API answer no-store, and pages are not given it by the proxy", async () => {
    withEnv({ DELEGATE_PUBLIC_URL: "http://console.test" });
    for (const path of ["/api/v2/users", "/api/v2/openapi.json", "/api/auth/session", "/api/v1/rest_hooks/user_registered/subscriptions"]) {
      expect((await get(path)).headers.get("cache-control")).toBe("no-store");
    }
    expect((await get("/users")).headers.get("cache-control")).toBeNull();
  });
});

describe("X-Forwarded-Host", () => {
  it("is dropped when no proxy is trusted", async () => {
    withEnv({ DELEGATE_TRUSTED_PROXY_HOPS: undefined });
    const response = await get("/users", { "x-forwarded-host": "evil.example" });
    expect(response.headers.get("x-middleware-override-headers")?.split(",")).not.toContain("x-forwarded-host");
    expect(response.headers.get("x-middleware-request-x-forwarded-host")).toBeNull();
  });

  it("keeps the entry of the outermost trusted proxy, not what the client sent before it", async () => {
    withEnv({ DELEGATE_TRUSTED_PROXY_HOPS: "1" });
    const one = await get("/users", { "x-forwarded-host": "evil.example, console.example" });
    expect(one.headers.get("x-middleware-request-x-forwarded-host")).toBe("console.example");
    withEnv({ DELEGATE_TRUSTED_PROXY_HOPS: "2" });
    const two = await get("/users", { "x-forwarded-host": "evil.example, console.example, inner.internal" });
    expect(two.headers.get("x-middleware-request-x-forwarded-host")).toBe("console.example");
  });

  it("does not let a client-sent X-Forwarded-Host make a cross-site server action look same-site", async () => {
    withEnv({ DELEGATE_TRUSTED_PROXY_HOPS: undefined });
    const forged = await action('["x"]', { origin: "http://evil.example", "x-forwarded-host": "evil.example" });
    expect(await refusal(forged)).toEqual({
      status: 403,
      body: {
        statusCode: 403,
        error: "Forbidden",
        message: "Refused a form sent from another site (evil.example). Open the console at its own address and try again.",
      },
    });
    withEnv({ DELEGATE_TRUSTED_PROXY_HOPS: "1" });
    const viaProxy = await action('["x"]', { origin: "https://console.example", "x-forwarded-host": "console.example" });
    expect(passedOn(viaProxy)).toBe(true);
    // Behind a trusted proxy the host it names is the console's address, not the Host header.
    const hostOnly = await action('["x"]', { "x-forwarded-host": "console.example" });
    expect((await refusal(hostOnly)).status).toBe(403);
    withEnv({ DELEGATE_TRUSTED_PROXY_HOPS: undefined });
    expect(passedOn(await action('["x"]'))).toBe(true);
  });
});

describe("server-action bodies", () => {
  const ONE_MEGABYTE = 1024 * 1024;
  const TOO_LARGE = {
    status: 413,
    body: {
      statusCode: 413,
      error: "Payload Too Large",
      message: "The form is larger than 1 MB, the most the console accepts in one request. Shorten what you entered and try again.",
    },
  };
  const malformed = (what: string) => ({
    status: 400,
    body: { statusCode: 400, error: "Bad Request", message: `The form could not be read: ${what}. Reload the page and try again.` },
  });
  const jsonOfSize = (bytes: number) => `["${"a".repeat(bytes - 4)}"]`;
  const streamOf = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });

  it("accepts a body of exactly 1 MB and refuses one byte more with 413, by length or while streaming", async () => {
    expect(jsonOfSize(ONE_MEGABYTE)).toHaveLength(ONE_MEGABYTE);
    expect(passedOn(await action(jsonOfSize(ONE_MEGABYTE)))).toBe(true);
    expect(await refusal(await action(jsonOfSize(ONE_MEGABYTE + 1)))).toEqual(TOO_LARGE);
    expect(await refusal(await action("[]", { "content-length": String(50 * ONE_MEGABYTE) }))).toEqual(TOO_LARGE);
    expect(passedOn(await action(streamOf(jsonOfSize(ONE_MEGABYTE))))).toBe(true);
    expect(await refusal(await action(streamOf(jsonOfSize(ONE_MEGABYTE + 1))))).toEqual(TOO_LARGE);
  });

  it.each([
    ['["x', "its body is not valid JSON"],
    ['{"0":"x"}', "its body is not a list of arguments"],
    ['["$Q1"]', 'it refers to a part ("$Q1") that a text body cannot have'],
    ['[{"a":["$@1"]}]', 'it refers to a part ("$@1") that a text body cannot have'],
    ['["$1"]', 'it refers to a part ("$1") that a text body cannot have'],
    ['["$"]', 'it refers to a part ("$") that a text body cannot have'],
    [`["$n${"9".repeat(301)}"]`, `it refers to a part ("$n${"9".repeat(38)}") that a text body cannot have`],
    ['["$nabc"]', 'it refers to a part ("$nabc") that a text body cannot have'],
  ])("refuses the text body %s with 400", async (body, what) => {
    expect(await refusal(await action(body))).toEqual(malformed(what));
  });

  it("refuses a body that is not UTF-8", async () => {
    expect(await refusal(await action(new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d])))).toEqual(malformed("its body is not UTF-8 text"));
  });

  it("passes on the values a text body may hold by themselves", async () => {
    const body = JSON.stringify([
      { name: "Ann", price: "$$5", missing: "$undefined", at: "$D2026-12-03T00:00:00.000Z", big: `$n${"9".repeat(300)}` },
      ["$NaN", "$Infinity", "$-Infinity", "$-0", "$T"],
    ]);
    expect(passedOn(await action(body))).toBe(true);
  });

  it("refuses a malformed multipart body with 400, and passes a well-formed one on", async () => {
    const broken = await action("garbage", { "content-type": "multipart/form-data; boundary=xyz" });
    expect(await refusal(broken)).toEqual(malformed("its multipart body is malformed"));
    const noJs = await proxy(
      new NextRequest(`${ORIGIN}/users/new`, {
        method: "POST",
        headers: { host: "console.test", origin: ORIGIN, "content-type": "multipart/form-data; boundary=xyz" },
        body: "garbage",
      }),
    );
    expect(await refusal(noJs)).toEqual(malformed("its multipart body is malformed"));
    const form = new FormData();
    form.append("0", '["$K1"]');
    form.append("1_email", "ann@example.com");
    const encoded = new Request(ORIGIN, { method: "POST", body: form });
    const wellFormed = await action(await encoded.arrayBuffer(), { "content-type": encoded.headers.get("content-type")! });
    expect(passedOn(wellFormed)).toBe(true);
  });

  /** A multipart action body with these parts, as the client router sends arguments with files. */
  async function multipartAction(parts: Record<string, string>) {
    const form = new FormData();
    for (const [name, value] of Object.entries(parts)) form.append(name, value);
    const encoded = new Request(ORIGIN, { method: "POST", body: form });
    return action(await encoded.arrayBuffer(), { "content-type": encoded.headers.get("content-type")! });
  }

  it.each([
    [{ 0: "not json" }, "its body is not valid JSON"],
    [{ 1: '["x"]' }, "it has no list of arguments (part 0)"],
    [{ 0: '{"a":1}' }, "its body is not a list of arguments"],
    [{ 0: '["$Q9"]' }, 'it refers to a part ("$Q9") that it does not have'],
    [{ 0: '[{"a":"$@a"}]', 10: '["$1"]' }, 'it refers to a part ("$1") that it does not have'],
    [{ 0: '["$Q1"]', 1: "not json" }, "its part 1 is not valid JSON"],
    [{ 0: '["$Q1x"]' }, 'it refers to a part ("$Q1x") that it does not have'],
  ])("refuses the multipart action body %j with 400", async (parts, what) => {
    expect(await refusal(await multipartAction(parts))).toEqual(malformed(what));
  });

  it("passes on a multipart action body whose references all name parts it has", async () => {
    const parts = { 0: '["$K1", "$Q2", {"file": "$B3", "again": "$Q2", "later": "$@4"}]', "1_email": "ann@example.com", 2: '[["a", "b"]]', 3: "blob", 4: '"done"' };
    expect(passedOn(await multipartAction(parts))).toBe(true);
  });

  it("leaves API requests and other POSTs alone", async () => {
    const api = await proxy(
      new NextRequest(`${ORIGIN}/api/v2/users`, { method: "POST", headers: { host: "console.test", "content-type": "application/json" }, body: "{" }),
    );
    expect(passedOn(api)).toBe(true);
  });
});
