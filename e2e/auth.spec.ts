import { expect, test } from "@playwright/test";
import { ADMINS, alertIn, confirmIn, createUser, saveUser, signIn, uniqueEmail, USER_PASSWORD } from "./fixtures";

test("signed out, / leads to the sign-in form", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("heading", { name: "Sign in to Delegate" })).toBeVisible();
  await page.goto("/users");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(ADMINS.olga);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alertIn(page)).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin$/);
});

test("the right password lands on the users page, and signing out ends the session", async ({ page }) => {
  await signIn(page, ADMINS.kelly, undefined, { viaForm: true });
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText(ADMINS.kelly);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a blocked admin cannot sign in", async ({ page, browser }) => {
  const email = uniqueEmail("blocked-admin");
  await signIn(page, ADMINS.ian);
  await createUser(page, { email, name: "Blocked Admin" });
  const appMetadata = page.getByLabel("app_metadata");
  const current = JSON.parse(await appMetadata.inputValue()) as Record<string, unknown>;
  await appMetadata.fill(JSON.stringify({ ...current, roles: ["Delegated Admin - User"] }));
  await saveUser(page);

  const other = await browser.newContext();
  const adminPage = await other.newPage();
  await signIn(adminPage, email, USER_PASSWORD);
  await other.close();

  await page.getByRole("button", { name: "Block" }).click();
  await confirmIn(page, "Block this user?", "Block user");
  await expect(page.getByRole("heading", { level: 1 }).locator("..")).toContainText("Blocked");

  const blocked = await browser.newContext();
  const blockedPage = await blocked.newPage();
  await blockedPage.goto("/signin");
  await blockedPage.getByLabel("Email").fill(email);
  await blockedPage.getByLabel("Password").fill(USER_PASSWORD);
  await blockedPage.getByRole("button", { name: "Sign in" }).click();
  await expect(alertIn(blockedPage)).toHaveText("Your account is blocked. Contact your administrator.");
  await expect(blockedPage).toHaveURL(/\/signin$/);
  await blocked.close();
});
