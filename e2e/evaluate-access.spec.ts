import { expect, test } from "@playwright/test";
import { ADMINS, createUser, pasteIntoEditor, signIn, uniqueEmail } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";

/* Issue 13, "Why can (or can't) this admin do this?": the answer names the check that decided. */

test("an Administrator evaluates a department admin's access, by keyboard, and sees which hook decided", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  const itEmail = uniqueEmail("evaluate-it");
  const financeEmail = uniqueEmail("evaluate-finance");
  await createUser(page, { email: itEmail, memberships: ["IT"] });
  await createUser(page, { email: financeEmail, memberships: ["Finance"] });

  await page.getByRole("link", { name: "Evaluate access" }).click();
  await expect(page.getByRole("heading", { name: "Evaluate access", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle("Evaluate access · Delegate");
  const form = page.getByRole("form", { name: "Evaluation" });
  await form.getByLabel("Admin").selectOption({ label: `${ADMINS.kelly} (User)` });
  await form.getByLabel("Action").selectOption("list:user");
  await form.getByLabel("User's email").fill(itEmail);
  await form.getByLabel("User's email").press("Enter");

  const verdict = page.getByRole("heading", { level: 2 });
  await expect(verdict).toHaveText("Denied by the Filter Hook");
  await expect(page.getByRole("main")).toContainText("The Filter Hook's restriction leaves this user out of the admin's list.");
  await expectNoSeriousAxeViolations(page, "evaluate access: denied");

  await form.getByLabel("Action").selectOption("delete:user");
  await form.getByLabel("User's email").fill(financeEmail);
  await form.getByRole("button", { name: "Evaluate" }).click();
  await expect(verdict).toHaveText("Allowed by the Access Hook");
  await expect(page.getByRole("table", { name: "Hook runs of the evaluation, in order" })).toContainText("Access Hook");

  await form.getByLabel("User's email").fill("nobody-here@example.com");
  await form.getByRole("button", { name: "Evaluate" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("There is no user with the email nobody-here@example.com.");
});

test("an Administrator evaluates an Access Hook draft from its editor, by keyboard, without saving it", async ({ browser }) => {
  // Its own browser context: the unsaved code and its browser-kept draft leave with it.
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(page, ADMINS.ian);
    const financeEmail = uniqueEmail("evaluate-draft");
    await createUser(page, { email: financeEmail, memberships: ["Finance"] });
    await page.goto("/hooks/access");
    await expect(page.locator(".monaco-editor .view-lines")).toContainText("function");
    await pasteIntoEditor(page, "function (ctx, callback) { callback(new Error('The draft keeps ' + ctx.payload.action + ' for IT.')); }");

    const form = page.getByRole("form", { name: "Evaluate with this draft" });
    await form.getByLabel("Admin").selectOption({ label: `${ADMINS.kelly} (User)` });
    await form.getByLabel("Action").selectOption("delete:user");
    await form.getByLabel("User's email").fill(financeEmail);
    await form.getByLabel("User's email").press("Enter");
    const verdict = page.getByRole("heading", { name: /by the Access Hook$/ });
    await expect(verdict).toHaveText("Denied by the Access Hook");
    await expect(verdict).toBeFocused();
    await expect(page.getByRole("region", { name: "Evaluate with this draft" })).toContainText("The draft keeps delete:user for IT.");
    await expectNoSeriousAxeViolations(page, "hook editor: draft evaluated");
  } finally {
    await context.close();
  }
});

test("a department admin has no Evaluate access page", async ({ page }) => {
  await signIn(page, ADMINS.kelly);
  await expect(page.getByRole("link", { name: "Evaluate access" })).toHaveCount(0);
  await page.goto("/access");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Only Administrators and Auditors can evaluate other admins' access.");
});
