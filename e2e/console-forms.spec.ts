import { expect, test, type Page } from "@playwright/test";
import { ADMINS, editForm, signIn, toast, uniqueEmail, USER_PASSWORD } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { withHookRestored } from "./support/hook-versions";

/*
 * Issue 12: nothing lost silently (fields the Write Hook dropped, unsaved hook code), memberships
 * as checkboxes with removals confirmed, filters that apply on pick or Enter; keyboard only where
 * the issue asks for it, axe on each state.
 */

// Long keyboard runs with axe, on a shared machine.
test.describe.configure({ timeout: 120_000 });

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMINS.ian);
});

test("keyboard only: create a user; the field the Write Hook dropped is named; removing a membership asks first", async ({ page }) => {
  const email = uniqueEmail("kbd-create");
  await page.goto("/users/new");
  await expectNoSeriousAxeViolations(page, "create form");
  await page.getByLabel("Email").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab"); // the password choice: "Send an invitation" is checked
  await expect(page.getByRole("radio", { name: /^Send an invitation/ })).toBeFocused();
  await page.keyboard.press("ArrowDown"); // "Set a password"
  await expect(page.getByLabel("Set a password")).toBeChecked();
  await page.keyboard.press("Tab");
  await page.keyboard.type(USER_PASSWORD);
  await page.keyboard.press("Tab");
  await page.keyboard.type(USER_PASSWORD);
  await page.keyboard.press("Tab"); // Show passwords
  await page.keyboard.press("Tab"); // Generate a password
  await page.keyboard.press("Tab"); // Require a change at next sign-in
  await page.keyboard.press("Tab"); // Connection
  await page.keyboard.press("Tab"); // the first membership: Finance
  await expect(page.getByRole("group", { name: "Memberships" }).getByRole("checkbox", { name: "Finance" })).toBeFocused();
  await page.keyboard.press("Space");
  for (const _ of ["IT", "Sales", "HR", "Marketing", "Name"]) await page.keyboard.press("Tab");
  await expect(page.getByLabel("Name", { exact: true })).toBeFocused();
  await page.keyboard.type("Nina Keyboard");
  await page.keyboard.press("Enter");

  await expect(page.getByRole("heading", { level: 1, name: email })).toBeFocused();
  // The seed's Write Hook writes no name: said, and kept on screen until dismissed.
  await expect(toast(page)).toHaveText("User created. The Write Hook did not keep: Name.");
  await expect(page.getByRole("region", { name: "Profile" })).toContainText("Finance");
  await expectNoSeriousAxeViolations(page, "user page with a warning");

  const memberships = editForm(page).getByRole("group", { name: "Memberships" });
  await memberships.getByRole("checkbox", { name: "Finance" }).uncheck();
  await memberships.getByRole("checkbox", { name: "IT" }).check();
  await editForm(page).getByRole("button", { name: "Save", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Remove a membership?" });
  await expect(dialog).toContainText(`${email} will no longer be a member of Finance`);
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectNoSeriousAxeViolations(page, "membership removal dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(memberships.getByRole("checkbox", { name: "IT" })).toBeChecked();

  await editForm(page).getByRole("button", { name: "Save", exact: true }).click();
  await dialog.getByRole("button", { name: "Save and remove" }).click();
  await expect(toast(page)).toHaveText("Saved.");
  await expect(page.getByRole("region", { name: "Profile" })).toContainText("IT");
  await expect(page.getByRole("region", { name: "Profile" })).not.toContainText("Finance");
});

test("a filter select applies on pick or Enter, not on each arrow key", async ({ page }) => {
  const membership = page.getByLabel("Membership", { exact: true });
  await membership.focus();
  const historyBefore = await page.evaluate(() => history.length);
  await page.keyboard.press("ArrowDown"); // Finance
  await page.keyboard.press("ArrowDown"); // HR
  await expect(membership).toHaveValue("HR");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]membership=HR(&|$)/);
  // One entry in the history: the arrow keys did not each load a list.
  expect(await page.evaluate(() => history.length)).toBe(historyBefore + 1);
  await expectNoSeriousAxeViolations(page, "users list filtered");

  await page.getByLabel("Membership", { exact: true }).selectOption("IT");
  await expect(page).toHaveURL(/[?&]membership=IT(&|$)/);
});

const editorLines = (page: Page) => page.locator(".monaco-editor .view-lines").first();

test("unsaved hook code: starter code is not unsaved, leaving asks, the draft is offered back, Ctrl+S saves a draft", async ({ page }) => {
  await page.goto("/hooks/post_registration");
  await expect(editorLines(page)).toContainText("function");
  await expect(page.getByText("No versions yet")).toBeVisible();
  await expect(page.getByText("Unsaved changes", { exact: true })).toHaveCount(0);
  await expect(page.getByText(/In the editor, Tab indents/)).toBeVisible();

  await withHookRestored(page, "write", async () => {
    await expect(editorLines(page)).toContainText("function");
    const marker = `// e2e draft ${Date.now().toString(36)}`;
    await editorLines(page).click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(marker);
    await expect(page.getByText("Unsaved changes", { exact: true })).toBeVisible();

    // An in-app link asks; declining stays on the page with the code.
    const question = page.waitForEvent("dialog");
    const leave = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
    const dialog = await question;
    expect(dialog.message()).toBe("Leave this page? Your unsaved code stays in this browser as a draft, offered when you open the hook again.");
    await dialog.dismiss();
    await leave;
    await expect(page).toHaveURL(/\/hooks\/write$/);
    await expect(editorLines(page)).toContainText(marker);

    // Leaving anyway: the draft is offered when the hook is opened again.
    page.once("dialog", (beforeUnload) => beforeUnload.accept());
    await page.goto("/hooks");
    await page.goto("/hooks/write");
    const offer = page.getByRole("region", { name: "Unsaved draft" });
    await expect(offer).toContainText("This browser kept unsaved code of the Write Hook from");
    await expect(editorLines(page)).not.toContainText(marker);
    await expectNoSeriousAxeViolations(page, "hook page with a draft offered");
    await offer.getByRole("button", { name: "Restore draft" }).click();
    await expect(offer).toBeHidden();
    await expect(editorLines(page)).toContainText(marker);
    await expect(page.getByText("Unsaved changes", { exact: true })).toBeVisible();

    await editorLines(page).click();
    await page.keyboard.press("ControlOrMeta+s");
    await expect(toast(page)).toContainText(/^Draft saved as version \d+\. It does not run until it is deployed\.$/);
    await expect(page.getByText("Unsaved changes", { exact: true })).toHaveCount(0);
    // Saved: the draft is gone from the browser, so nothing is offered any more.
    await expect.poll(() => page.evaluate(() => localStorage.getItem("delegate:hook-draft:write"))).toBeNull();
  });
});

test("the password policy is a hint before any refusal; Generate fills both fields with a password it accepts; Show toggles", async ({ page }) => {
  const policy = "At least 8 characters, with at least 3 of: lower-case letters, upper-case letters, digits, special characters.";
  await page.goto("/users/new");
  await page.getByLabel("Set a password").check();
  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAccessibleDescription(policy);
  await expect(password).toHaveAttribute("type", "password");
  const email = uniqueEmail("generated");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("group", { name: "Memberships" }).getByLabel("Finance", { exact: true }).check();
  await page.getByRole("button", { name: "Generate a password" }).click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(page.getByRole("button", { name: "Show passwords" })).toHaveAttribute("aria-pressed", "true");
  const generated = await password.inputValue();
  expect(generated).toMatch(/^.{20}$/);
  await expect(page.getByLabel("Repeat password")).toHaveValue(generated);
  await expectNoSeriousAxeViolations(page, "create form with a generated password");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("heading", { level: 1, name: email })).toBeVisible();

  const change = page.getByRole("form", { name: "Change password" });
  await expect(change.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(policy);
  await change.getByRole("button", { name: "Show passwords" }).click();
  await expect(change.getByLabel("Password", { exact: true })).toHaveAttribute("type", "text");
  await expect(change.getByLabel("Repeat password")).toHaveAttribute("type", "text");
  await change.getByRole("button", { name: "Show passwords" }).click();
  await expect(change.getByLabel("Password", { exact: true })).toHaveAttribute("type", "password");
});
