import { spawn, type ChildProcess } from "node:child_process";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { linkIn, startSmtpReceiver, type SmtpReceiver } from "../tests/mail/support/smtp-receiver";
import { ADMINS, alertIn, createUser, signIn, toast, uniqueEmail, USER_PASSWORD } from "./fixtures";
import { catchCallback, exchange, registerApplicationInConsole, startAuthorization } from "./support/relying-party";

/**
 * Mail over a real SMTP server: a second console (same build, its own embedded database) started
 * with SMTP_URL pointing at an smtp-server receiver on 127.0.0.1; the tests read the mails from it.
 * The suite's own server has no SMTP_URL: its mails appear on the Mail page.
 */
const mailPort = Number(process.env.E2E_PORT ?? 3210) + 1;
const mailBaseUrl = `http://127.0.0.1:${mailPort}`;
let smtp: SmtpReceiver;
let server: ChildProcess | undefined;

async function waitForServer(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`The mail console did not answer at ${url}.`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function inviteInTheConsole(page: Page, email: string) {
  await page.goto("/users/new");
  await page.getByLabel("Email").fill(email);
  await expect(page.getByRole("radio", { name: /^Send an invitation/ })).toBeChecked();
  await page.getByRole("group", { name: "Memberships" }).getByLabel("Finance", { exact: true }).check();
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("heading", { name: email, level: 1 })).toBeVisible();
  await expect(page.locator(".page-header").getByText("Invited")).toBeVisible();
}

/** A fresh browser context: the user has no console session. */
async function userPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test.describe("with SMTP", () => {
  test.describe.configure({ timeout: 120_000 });

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    smtp = await startSmtpReceiver();
    server = spawn(process.execPath, ["--import", "tsx", "e2e/start-server.ts"], {
      stdio: "ignore",
      env: {
        ...process.env,
        E2E_PORT: String(mailPort),
        E2E_PUBLIC_URL: mailBaseUrl,
        E2E_SKIP_BUILD: "1",
        SMTP_URL: smtp.url,
        MAIL_FROM: '"Delegate Demo" <accounts@delegate.test>',
      },
    });
    await waitForServer(`${mailBaseUrl}/signin`, 200_000);
  });
  test.afterAll(async () => {
    server?.kill("SIGTERM");
    await smtp?.close();
  });
  test.use({ baseURL: mailBaseUrl });

  test("an admin invites in the browser; the user sets a password through the mailed link, which then works no more, and signs in to an application with it", async ({ page, browser }) => {
    const email = uniqueEmail("invite");
    await signIn(page, ADMINS.ian);
    await inviteInTheConsole(page, email);
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    expect(mail.from).toBe("accounts@delegate.test");
    expect(mail.subject).toBe("You are invited to Delegate Demo");
    const link = linkIn(mail);
    expect(link.startsWith(`${mailBaseUrl}/account/invitation?token=`)).toBe(true);

    await page.goto(`/users?search=${encodeURIComponent(email)}`);
    await expect(page.getByRole("row", { name: new RegExp(email) }).getByText("Invited")).toBeVisible();

    const user = await userPage(browser);
    await user.goto(link);
    await expect(user.getByRole("heading", { name: "Choose your password" })).toBeVisible();
    await expect(user.getByText(email)).toBeVisible();
    await user.getByLabel("New password").fill("short");
    await user.getByLabel("Repeat the password").fill("short");
    await user.getByRole("button", { name: "Set my password" }).click();
    await expect(alertIn(user)).toHaveText("The password must be at least 8 characters long.");
    await user.getByLabel("New password").fill(USER_PASSWORD);
    await user.getByLabel("Repeat the password").fill(USER_PASSWORD);
    await user.getByRole("button", { name: "Set my password" }).click();
    await expect(user.getByRole("status")).toHaveText(`Your password is set and ${email} is verified. You can now sign in to your applications.`);

    await user.goto(link);
    await expect(alertIn(user)).toHaveText("This link has already been used. Each link works once; ask for a new one if you need it.");
    const token = new URL(link).searchParams.get("token")!;
    await user.goto(`/account/invitation?token=${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`);
    await expect(alertIn(user)).toHaveText("This link is not valid. Check that you opened the whole link from the mail, or ask for a new one.");

    await page.goto(`/users?search=${encodeURIComponent(email)}`);
    await page.getByRole("link", { name: email }).click();
    await expect(page.locator(".page-header").getByText("Email verified")).toBeVisible();
    await expect(page.locator(".page-header").getByText("Invited")).toHaveCount(0);

    // The password works at an application that signs in through Delegate (openid-client, code + PKCE).
    const app = await registerApplicationInConsole(page, `Intranet ${Date.now().toString(36)}`, { firstParty: true });
    const rp = await startAuthorization(mailBaseUrl, app.clientId, app.secret);
    const callback = await catchCallback(user);
    await user.goto(rp.authorizationUrl);
    await user.getByLabel("Email or username").fill(email);
    await user.getByLabel("Password").fill(USER_PASSWORD);
    await user.getByRole("button", { name: "Sign in" }).click();
    const { claims } = await exchange(rp, await callback());
    expect(claims.email).toBe(email);
    expect(claims.email_verified).toBe(true);
  });

  test("reset and verification mails sent from the user page work through their links", async ({ page, browser }) => {
    const email = uniqueEmail("reset");
    await signIn(page, ADMINS.ian);
    await inviteInTheConsole(page, email);
    const invitation = linkIn(await smtp.waitFor((m) => m.to.includes(email)));
    const user = await userPage(browser);
    await user.goto(invitation);
    await user.getByLabel("New password").fill(USER_PASSWORD);
    await user.getByLabel("Repeat the password").fill(USER_PASSWORD);
    await user.getByRole("button", { name: "Set my password" }).click();
    await expect(user.getByRole("status")).toContainText("Your password is set");

    await page.reload();
    const count = smtp.mails.length;
    await page.getByRole("button", { name: "Send password reset email" }).click();
    await expect(toast(page)).toHaveText(`A password reset email is on its way to ${email}.`);
    const reset = await smtp.waitFor((m) => m.to.includes(email) && smtp.mails.indexOf(m) >= count);
    expect(reset.subject).toBe("Reset your Delegate Demo password");
    await user.goto(linkIn(reset));
    await user.getByLabel("New password").fill("An0ther-password");
    await user.getByLabel("Repeat the password").fill("An0ther-password");
    await user.getByRole("button", { name: "Change my password" }).click();
    await expect(user.getByRole("status")).toHaveText("Your password is changed, and you are signed out everywhere. Sign in with the new password.");

    const before = smtp.mails.length;
    await page.getByRole("button", { name: "Send verification email" }).click();
    const verification = await smtp.waitFor((m) => m.to.includes(email) && smtp.mails.indexOf(m) >= before);
    await user.goto(linkIn(verification));
    await user.getByRole("button", { name: "Verify my email address" }).click();
    await expect(user.getByRole("status")).toHaveText(`Thank you: ${email} is verified.`);
  });

  test("'Forgot your password?' on the sign-in page: the mailed link sets a new password and leads back to the same sign-in, which then finishes", async ({ page, browser }) => {
    const email = uniqueEmail("forgot-signin");
    await signIn(page, ADMINS.ian);
    await createUser(page, { email });
    const app = await registerApplicationInConsole(page, `Wiki ${Date.now().toString(36)}`, { firstParty: true });
    const rp = await startAuthorization(mailBaseUrl, app.clientId, app.secret);
    const user = await userPage(browser);
    const callback = await catchCallback(user);
    await user.goto(rp.authorizationUrl);
    const signInUrl = user.url();
    expect(signInUrl).toMatch(/\/interaction\/[A-Za-z0-9_-]+$/);

    await user.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(user.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
    await user.getByLabel("Email").fill(email);
    await user.getByRole("button", { name: "Send me a link" }).click();
    await expect(user.getByRole("status")).toHaveText("If an account uses this email address, we have sent it a link to choose a new password. Check your mailbox (and spam folder).");
    await expect(user.getByRole("link", { name: "Back to sign-in" })).toHaveAttribute("href", new URL(signInUrl).pathname);

    const reset = await smtp.waitFor((m) => m.to.includes(email) && m.subject === "Reset your Delegate Demo password");
    const link = new URL(linkIn(reset));
    expect(link.searchParams.get("return_to")).toBe(new URL(signInUrl).pathname);
    await user.goto(link.toString());
    await user.getByLabel("New password").fill("Res3t-in-browser");
    await user.getByLabel("Repeat the password").fill("Res3t-in-browser");
    await user.getByRole("button", { name: "Change my password" }).click();
    await expect(user.getByRole("status")).toHaveText("Your password is changed, and you are signed out everywhere. Sign in with the new password.");

    await user.getByRole("link", { name: "Back to sign-in" }).click();
    await expect(user).toHaveURL(signInUrl);
    await user.getByLabel("Email or username").fill(email);
    await user.getByLabel("Password").fill(USER_PASSWORD);
    await user.getByRole("button", { name: "Sign in" }).click();
    await expect(alertIn(user)).toHaveText("Wrong email, username or password.");
    await user.getByLabel("Password").fill("Res3t-in-browser");
    await user.getByRole("button", { name: "Sign in" }).click();
    const { claims } = await exchange(rp, await callback());
    expect(claims.email).toBe(email);
  });

  test("forgot password answers the same for an unknown email and mails only the known one", async ({ page, browser }) => {
    const email = uniqueEmail("forgot");
    await signIn(page, ADMINS.ian);
    await inviteInTheConsole(page, email);
    const user = await userPage(browser);
    const answers: string[] = [];
    for (const address of [email, uniqueEmail("nobody")]) {
      await user.goto("/account/forgot-password");
      await user.getByLabel("Email").fill(address);
      await user.getByRole("button", { name: "Send me a link" }).click();
      answers.push((await user.getByRole("status").textContent()) ?? "");
    }
    expect(answers[0]).toBe("If an account uses this email address, we have sent it a link to choose a new password. Check your mailbox (and spam folder).");
    expect(answers[1]).toBe(answers[0]);
    const reset = await smtp.waitFor((m) => m.to.includes(email) && m.subject === "Reset your Delegate Demo password");
    expect(linkIn(reset)).toContain("/account/reset-password?token=");
  });
});

test("without SMTP_URL an invitation appears on the Mail page with its link", async ({ page }) => {
  const email = uniqueEmail("offline");
  await signIn(page, ADMINS.ian);
  await inviteInTheConsole(page, email);
  await page.getByRole("link", { name: "Mail", exact: true }).click();
  await expect(page.getByText("No SMTP server is configured (SMTP_URL)")).toBeVisible();
  const item = page.getByRole("listitem").filter({ hasText: email }).first();
  await expect(item.getByRole("heading", { name: "You are invited to Delegate Demo" })).toBeVisible();
  // The delivery worker keeps it moments after the commit.
  await expect(async () => {
    await page.reload();
    await expect(item.getByText("Kept here (no SMTP)")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const link = await item.getByRole("link", { name: /\/account\/invitation\?token=/ }).getAttribute("href");
  await page.goto(link!);
  await expect(page.getByRole("heading", { name: "Choose your password" })).toBeVisible();
});
