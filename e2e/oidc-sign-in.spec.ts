import { expect, test } from "@playwright/test";
import { ADMINS, alertIn, createUser, fillCreateForm, signIn, toast, uniqueEmail, USER_PASSWORD } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { catchCallback, exchange, registerApplicationInConsole, startAuthorization } from "./support/relying-party";

/**
 * Issue 10 in a real browser: an application registered in the console signs a user in through the
 * users' sign-in page (authorization code flow with PKCE, openid-client as the relying party).
 */
test("authorization code flow through the sign-in page: a wrong password is refused, then sign-in, consent and the code exchanged", async ({ page, browser, baseURL }) => {
  const email = uniqueEmail("oidc");
  await signIn(page, ADMINS.ian);
  await createUser(page, { email });
  // Third-party, so that the user is asked for consent.
  const appName = `Partner portal ${Date.now().toString(36)}`;
  const app = await registerApplicationInConsole(page, appName, { firstParty: false });

  const rp = await startAuthorization(baseURL!, app.clientId, app.secret);
  const user = await (await browser.newContext()).newPage();
  const callback = await catchCallback(user);
  await user.goto(rp.authorizationUrl);
  await expect(user).toHaveURL(/\/interaction\/[A-Za-z0-9_-]+$/);
  await expect(user.getByText("Sign in to continue to Partner portal")).toBeVisible();
  await expectNoSeriousAxeViolations(user, "the users' sign-in page");

  await user.getByLabel("Email or username").fill(email);
  await user.getByLabel("Password").fill("Wrong-password-1");
  await user.getByRole("button", { name: "Sign in" }).click();
  await expect(alertIn(user)).toHaveText("Wrong email, username or password.");
  await expect(user.getByLabel("Email or username")).toHaveValue(email);

  await user.getByLabel("Password").fill(USER_PASSWORD);
  await user.getByRole("button", { name: "Sign in" }).click();
  await expect(user.getByText(/asks to know who you are and to read:/)).toBeVisible();
  await expect(user.getByRole("listitem")).toHaveText(["your name, username and memberships", "your email address"]);
  await user.getByRole("button", { name: "Allow" }).click();

  const { tokens, claims } = await exchange(rp, await callback());
  await expect(user.getByRole("heading", { name: "Back at the application" })).toBeVisible();
  expect(claims.email).toBe(email);
  expect(claims.iss).toBe(baseURL);
  expect(claims.aud).toBe(app.clientId);
  expect(tokens.token_type.toLowerCase()).toBe("bearer");

  // The user's page shows the refused and the successful sign-in, newest first, and the grant.
  await page.goto(`/users?search=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: email }).click();
  const rows = page.getByRole("table", { name: `Recent sign-ins of ${email} to applications` }).getByRole("row").filter({ hasText: appName });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).getByRole("cell").last()).toHaveText("Signed in");
  await expect(rows.nth(1).getByRole("cell").last()).toHaveText("Refused: wrong password");
  await expect(page.getByRole("listitem").filter({ hasText: appName })).toBeVisible();
});

test("a temporary password set in the console: the sign-in page asks for a new one before the application gets a code", async ({ page, browser, baseURL }) => {
  const email = uniqueEmail("temporary");
  await signIn(page, ADMINS.ian);
  await page.goto("/users/new");
  await fillCreateForm(page, { email });
  await page.getByLabel("Require a change at next sign-in").check();
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(toast(page)).toContainText("User created.");
  await expect(page.locator(".page-header").getByText("Must change password")).toBeVisible();
  const app = await registerApplicationInConsole(page, `Timesheets ${Date.now().toString(36)}`, { firstParty: true });

  const rp = await startAuthorization(baseURL!, app.clientId, app.secret);
  const user = await (await browser.newContext()).newPage();
  const callback = await catchCallback(user);
  await user.goto(rp.authorizationUrl);
  await user.getByLabel("Email or username").fill(email);
  await user.getByLabel("Password").fill(USER_PASSWORD);
  await user.getByRole("button", { name: "Sign in" }).click();
  await expect(user.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(user.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(
    "At least 8 characters, with at least 3 of: lower-case letters, upper-case letters, digits, special characters.",
  );
  await expectNoSeriousAxeViolations(user, "the forced password change");

  await user.getByLabel("Temporary password").fill(USER_PASSWORD);
  await user.getByLabel("New password", { exact: true }).fill("weakpassword");
  await user.getByLabel("Repeat the new password").fill("weakpassword");
  await user.getByRole("button", { name: "Change password and continue" }).click();
  await expect(alertIn(user)).toHaveText("The password must contain at least 3 of: lower-case letters, upper-case letters, digits, special characters.");

  await user.getByLabel("Temporary password").fill(USER_PASSWORD);
  await user.getByLabel("New password", { exact: true }).fill("My-own-pa55word");
  await user.getByLabel("Repeat the new password").fill("My-own-pa55word");
  await user.getByRole("button", { name: "Change password and continue" }).click();
  const { claims } = await exchange(rp, await callback());
  expect(claims.email).toBe(email);

  await page.goto(`/users?search=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: email }).click();
  await expect(page.locator(".page-header").getByText("Must change password")).toHaveCount(0);
});
