import { expect, test } from "@playwright/test";
import { ADMINS, signIn } from "./fixtures";

/*
 * Issue 7, item 17-18: the console's scripts run only with the request's nonce (no 'unsafe-inline'),
 * Monaco still loads under that policy, API answers are no-store, and the proxy answers a server
 * action it cannot decode with a 400/413 and a message rather than the framework's 500.
 */

test("every script of a page carries the response's nonce, and an injected inline script is blocked", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  const response = await page.goto("/signin");
  const policy = response?.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(policy).not.toContain("'unsafe-inline' 'nonce");
  expect(policy.split("; ").find((directive) => directive.startsWith("script-src"))).toBe(`script-src 'self' 'nonce-${nonce}'`);

  const html = (await response?.text()) ?? "";
  const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scriptTags.length).toBeGreaterThan(0);
  for (const tag of scriptTags) expect(tag).toContain(`nonce="${nonce}"`);

  const blocked = page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener("securitypolicyviolation", (event) => resolve(event.violatedDirective), { once: true });
        const script = document.createElement("script");
        script.textContent = "window.__injected = true;";
        document.body.append(script);
      }),
  );
  expect(await blocked).toBe("script-src-elem");
  expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();

  // The page itself works under the policy: the client-side sign-in runs.
  await signIn(page, ADMINS.ian);
  await page.goto("/hooks/write");
  await expect(page.locator(".monaco-editor .view-lines")).toContainText("function");
  expect(violations).toEqual([]);
});

test("API answers are never cached", async ({ request }) => {
  for (const path of ["/api/v2/openapi.json", "/api/v2/users", "/api/auth/session"]) {
    const response = await request.get(path);
    expect(response.headers()["cache-control"], path).toBe("no-store");
  }
});

test("a malformed or oversized server-action body gets a 400 or 413 with a message, not a 500", async ({ request, baseURL }) => {
  const headers = { origin: baseURL ?? "", "next-action": "7f00000000000000000000000000000000000000aa", "content-type": "text/plain;charset=UTF-8" };
  const malformed = await request.post("/users/new", { headers, data: '["unterminated' });
  expect(malformed.status()).toBe(400);
  expect(await malformed.json()).toEqual({
    statusCode: 400,
    error: "Bad Request",
    message: "The form could not be read: its body is not valid JSON. Reload the page and try again.",
  });
  const oversized = await request.post("/users/new", { headers, data: `["${"a".repeat(1024 * 1024)}"]` });
  expect(oversized.status()).toBe(413);
  expect((await oversized.json()).message).toBe(
    "The form is larger than 1 MB, the most the console accepts in one request. Shorten what you entered and try again.",
  );
  const crossSite = await request.post("/users/new", { headers: { ...headers, origin: "http://evil.example", "x-forwarded-host": "evil.example" }, data: "[]" });
  expect(crossSite.status()).toBe(403);
});
