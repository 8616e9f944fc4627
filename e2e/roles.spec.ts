import { expect, test, type Page } from "@playwright/test";
import { ADMINS, alertIn, fillCreateForm, searchUsers, signIn, uniqueEmail } from "./fixtures";

interface CapturedAction {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Fills the create form as the given (signed-in) admin and captures the server action request without sending it. */
async function captureCreateRequest(page: Page, email: string): Promise<CapturedAction> {
  let captured: CapturedAction | undefined;
  await page.route("**/users/new", async (route) => {
    const request = route.request();
    const headers = request.headers();
    if (request.method() !== "POST" || !headers["next-action"]) return route.continue();
    captured = { url: request.url(), headers, body: request.postData() ?? "" };
    await route.abort();
  });
  await page.goto("/users/new");
  await fillCreateForm(page, { email });
  await page.getByRole("button", { name: "Create user" }).click();
  await expect.poll(() => captured).toBeDefined();
  await page.unroute("**/users/new");
  return captured!;
}

/** Sends a captured server action request with the cookies of `page`'s context. */
async function replay(page: Page, action: CapturedAction): Promise<string> {
  const response = await page.request.post(action.url, {
    headers: {
      "next-action": action.headers["next-action"],
      "content-type": action.headers["content-type"],
      accept: "text/x-component",
      origin: new URL(action.url).origin,
    },
    data: action.body,
  });
  expect(response.status()).toBe(200);
  return response.text();
}

test("an Auditor sees no way to change users, and the server refuses a forged create", async ({ page, browser }) => {
  await signIn(page, ADMINS.aud);
  await expect(page.getByRole("link", { name: "Create user" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create user" })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Logs" })).toBeVisible();

  await searchUsers(page, ADMINS.kelly);
  await page.getByRole("table").getByRole("link", { name: ADMINS.kelly }).click();
  await expect(page.getByRole("heading", { name: ADMINS.kelly, level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Metadata" })).toContainText("Delegated Admin - User");
  for (const name of ["Block", "Delete", "Save", "Change password", "Mark email verified"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await page.goto("/users/new");
  await expect(alertIn(page)).toHaveText("Your role does not allow creating users.");
  await expect(page.getByLabel("Email")).toHaveCount(0);

  const ianContext = await browser.newContext();
  const ianPage = await ianContext.newPage();
  await signIn(ianPage, ADMINS.ian);
  const email = uniqueEmail("forged");
  const action = await captureCreateRequest(ianPage, email);

  const refused = await replay(page, action);
  expect(refused).toContain('"ok":false');
  expect(refused).toContain('"status":403');
  expect(refused).toContain("Your role does not allow changing users.");
  await searchUsers(ianPage, email);
  await expect(ianPage.getByText("No users match these filters.")).toBeVisible();

  // The same request from an admin who may create users goes through: the refusal above was the role's.
  const accepted = await replay(ianPage, action);
  expect(accepted).toContain('"ok":true');
  await searchUsers(ianPage, email);
  await expect(ianPage.getByRole("table").getByRole("link", { name: email })).toBeVisible();

  await ianPage.goto("/logs?action=user.create&result=failure");
  const refusal = ianPage.getByRole("row").filter({ hasText: ADMINS.aud }).filter({ hasText: email }).first();
  await expect(refusal).toContainText("Your role does not allow changing users.");
  await ianContext.close();
});

test("a User-role admin reads her own actions in the logs, without verifying them, and cannot block or delete herself", async ({ page }) => {
  await signIn(page, ADMINS.kelly, undefined, { viaForm: true });
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Logs" }).click();
  await expect(page.getByRole("heading", { name: "Logs", level: 1 })).toBeVisible();
  await page.getByLabel("Action").selectOption("auth.sign_in");
  await expect(page).toHaveURL(/action=auth.sign_in/);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows.nth(1)).toContainText(ADMINS.kelly);
  // Which entries she reads is tests/audit/user-role-logs.test.ts; verifying the chain is not hers.
  await expect(page.getByText("Verify the audit log")).toHaveCount(0);

  await searchUsers(page, ADMINS.kelly);
  await page.getByRole("table").getByRole("link", { name: ADMINS.kelly }).click();
  await expect(page.getByRole("heading", { name: ADMINS.kelly, level: 1 })).toBeVisible();
  await expect(page.getByText("This is your own account: you cannot block or delete it.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Block", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete", exact: true })).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "user_metadata" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Metadata" })).toContainText("Delegated Admin - User");
});

test("an Operator reads and filters the logs", async ({ page }) => {
  await signIn(page, ADMINS.olga);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Logs" }).click();
  await expect(page.getByRole("heading", { name: "Logs", level: 1 })).toBeVisible();
  await page.getByLabel("Action").selectOption("auth.sign_in");
  await expect(page).toHaveURL(/action=auth.sign_in/);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows.nth(1)).toContainText("auth.sign_in");
  await page.getByLabel("Admin").fill(ADMINS.olga);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/actor=olga/);
  await expect(rows.nth(1)).toContainText(ADMINS.olga);
});

test("an Administrator creates an API token, shown once, that the API accepts until it is revoked", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
  const name = `e2e token ${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByLabel("New API token").textContent()) ?? "";
  expect(token).toMatch(/^dlg_/);

  const api = await page.request.get("/api/v2/users?per_page=10", { headers: { authorization: `Bearer ${token}` } });
  expect(api.status()).toBe(200);

  const row = page.getByRole("row").filter({ hasText: name });
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke this token?" }).getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("Revoked");
  await page.reload();
  await expect(page.getByText(token)).toHaveCount(0);

  const refused = await page.request.get("/api/v2/users", { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});
