import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { Browser, RP_CALLBACK, createPerson, registerApplication, signInThroughPage, startAuthorization, startOidcServer, useOidcEnvironment } from "./helpers";

/**
 * Issue 11 on the users' sign-in page (issue 10): a right temporary password shows the change form and
 * finishes nothing, only a valid new password finishes the sign-in; "Forgot your password?" leads to the
 * reset flow with the way back.
 */
const PORT = 3363;
const issuer = useOidcEnvironment(PORT);
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let server: { close: () => Promise<void> };
let app: Awaited<ReturnType<typeof registerApplication>>;
const TEMPORARY = "Temporary-pw-1";
const CHOSEN = "Chosen-pw-22";
const POLICY = "At least 8 characters, with at least 3 of: lower-case letters, upper-case letters, digits, special characters.";

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  server = await startOidcServer(PORT);
  app = await registerApplication(admins.ian, { name: "Intranet" });
});
afterAll(async () => server.close());

const userRow = (id: string) => db().prisma.user.findUniqueOrThrow({ where: { id } });
const loginsOf = async (id: string) => (await userRow(id)).loginsCount;

/** The change form's fields as the browser posts them (the login comes from its hidden field). */
const change = (newPassword: string, repeatPassword = newPassword, password = TEMPORARY) => ({ password, newPassword, repeatPassword });

describe("a temporary password on the sign-in page", () => {
  it("shows the change form with the policy, finishes no sign-in, and a new authorization asks for the password again", async () => {
    const person = await createPerson(admins.ian, "temp.once@example.com", TEMPORARY, { password_change_required: true });
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const browser = new Browser("198.51.100.61");
    const page = await signInThroughPage(browser, rp, issuer, "temp.once@example.com", TEMPORARY);
    expect(page.response.status).toBe(200);
    expect(page.url.startsWith(`${issuer}/interaction/`)).toBe(true);
    expect(page.html).toContain("<h2>Choose a new password</h2>");
    expect(page.html).toContain(`<p class="hint" id="password-policy">${POLICY}</p>`);
    expect(page.html).toContain('<input type="hidden" name="login" value="temp.once@example.com">');
    expect(page.html).not.toContain(TEMPORARY);
    expect(await loginsOf(person.user_id)).toBe(0);
    expect(await db().prisma.auditLog.count({ where: { targetUserId: person.user_id, action: "user.login" } })).toBe(0);

    // The provider has no session for this browser: the authorization starts at the sign-in form again.
    const again = await browser.follow(rp.authorizationUrl, issuer);
    expect(again.response.status).toBe(200);
    expect(await again.response.text()).toContain('<label for="login">Email or username</label>');
    expect((await userRow(person.user_id)).passwordChangeRequired).toBe(true);
  });

  it("refuses a new password under the policy, a mismatch, the temporary one and a wrong temporary password; a valid one finishes with a code openid-client exchanges", async () => {
    const person = await createPerson(admins.ian, "temp.change@example.com", TEMPORARY, { password_change_required: true });
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const browser = new Browser("198.51.100.62");
    let page = await signInThroughPage(browser, rp, issuer, "temp.change@example.com", TEMPORARY);
    const refusals: [Record<string, string>, number, string][] = [
      [change("short"), 400, "The password must be at least 8 characters long."],
      [change("alllowercase"), 400, "The password must contain at least 3 of: lower-case letters, upper-case letters, digits, special characters."],
      [change(CHOSEN, "Chosen-pw-23"), 400, "The passwords do not match."],
      [change(TEMPORARY), 400, "Choose a password different from the temporary one."],
    ];
    for (const [fields, status, message] of refusals) {
      const next = await browser.submit(page, page.html, fields, issuer);
      const html = await next.response.text();
      expect(next.response.status, message).toBe(status);
      expect(html).toContain(`<div class="alert" role="alert" id="page-error">${message}</div>`);
      expect(html).toContain(`<p class="hint" id="password-policy">${POLICY}</p>`);
      page = { ...next, html };
    }
    const wrongTemporary = await browser.submit(page, page.html, change(CHOSEN, CHOSEN, "Not-the-temp-1"), issuer);
    expect(wrongTemporary.response.status).toBe(401);
    expect(await wrongTemporary.response.text()).toContain('<div class="alert" role="alert" id="page-error">Wrong email, username or password.</div>');
    expect((await userRow(person.user_id)).passwordChangeRequired).toBe(true);
    expect(await loginsOf(person.user_id)).toBe(0);

    const done = await browser.submit(page, page.html, change(CHOSEN), issuer);
    expect(done.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
    const tokens = await client.authorizationCodeGrant(rp.config, new URL(done.url), {
      pkceCodeVerifier: rp.verifier,
      expectedState: rp.state,
      expectedNonce: rp.nonce,
    });
    expect(tokens.claims()!.sub).toBe(person.user_id);
    const row = await userRow(person.user_id);
    expect(row.passwordChangeRequired).toBe(false);
    expect(await verifyPassword(row.passwordHash, CHOSEN)).toBe(true);
    expect(row.loginsCount).toBe(1);
    const audit = await db().prisma.auditLog.findMany({
      where: { targetUserId: person.user_id, action: { in: ["account.change_required_password", "user.login"] } },
      select: { action: true, result: true },
      orderBy: { createdAt: "asc" },
    });
    // The wrong temporary password was the one failed sign-in; the success comes after the change.
    expect(audit).toEqual([
      { action: "user.login", result: "failure" },
      { action: "account.change_required_password", result: "success" },
      { action: "user.login", result: "success" },
    ]);

    // The temporary password works no more; the chosen one signs in at once.
    const old = await signInThroughPage(new Browser("198.51.100.63"), await startAuthorization(issuer, app.client_id, app.client_secret), issuer, "temp.change@example.com", TEMPORARY);
    expect(old.response.status).toBe(401);
    const fresh = await signInThroughPage(new Browser("198.51.100.64"), await startAuthorization(issuer, app.client_id, app.client_secret), issuer, "temp.change@example.com", CHOSEN);
    expect(fresh.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
  });

  it("a post of the change form for a user who needs no change signs in only with that user's password, and changes nothing", async () => {
    const person = await createPerson(admins.ian, "no.change@example.com", CHOSEN);
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const browser = new Browser("198.51.100.65");
    const page = await browser.follow(rp.authorizationUrl, issuer);
    const uid = new URL(page.url).pathname.split("/").pop();
    const post = (fields: Record<string, string>) =>
      browser.follow(`${issuer}/interaction/${uid}/change-password`, issuer, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ login: "no.change@example.com", ...fields }).toString(),
      });
    const wrong = await post(change("Another-pw-3", "Another-pw-3", "Wrong-pw-9"));
    expect(wrong.response.status).toBe(401);
    const right = await post(change("Another-pw-3", "Another-pw-3", CHOSEN));
    expect(right.url.startsWith(`${RP_CALLBACK}?code=`)).toBe(true);
    expect(await verifyPassword((await userRow(person.user_id)).passwordHash, CHOSEN)).toBe(true);
  });
});

describe("forgot your password", () => {
  it("links from the sign-in page to the reset flow, with this sign-in page to return to", async () => {
    const rp = await startAuthorization(issuer, app.client_id, app.client_secret);
    const page = await new Browser("198.51.100.66").follow(rp.authorizationUrl, issuer);
    const uid = new URL(page.url).pathname.split("/").pop();
    expect(await page.response.text()).toContain(`<p><a href="/account/forgot-password?return_to=%2Finteraction%2F${uid}">Forgot your password?</a></p>`);
  });
});
