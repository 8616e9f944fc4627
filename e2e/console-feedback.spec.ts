import { expect, test, type Page } from "@playwright/test";
import { ADMINS, createUser, signIn, toast, uniqueEmail } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
const bodyHasFocus = (page: Page) => page.evaluate(() => document.activeElement === document.body);

// Long keyboard runs with axe, on a shared machine.
test.describe.configure({ timeout: 120_000 });

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMINS.ian);
});

test("every page has its own title", async ({ page }) => {
  await expect(page).toHaveTitle("Users · Delegate");
  await page.goto("/users/new");
  await expect(page).toHaveTitle("Create user · Users · Delegate");
  await page.goto("/logs");
  await expect(page).toHaveTitle("Logs · Delegate");
  await page.goto("/hooks/write");
  await expect(page).toHaveTitle("Write Hook · Hooks · Delegate");
  await page.goto("/settings/api-tokens");
  await expect(page).toHaveTitle("API tokens · Delegate");
  const email = uniqueEmail("title");
  await createUser(page, { email });
  await expect(page).toHaveTitle(`${email} · Users · Delegate`);
});

test("the skip link moves focus to the main content; a client navigation focuses the new page's heading", async ({ page }) => {
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Logs" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Logs" })).toBeFocused();
  await expectNoSeriousAxeViolations(page, "logs");
});

test("keyboard only: block and unblock ask first and keep focus on the toggle; delete asks, then the list has focus on its heading", async ({
  page,
}) => {
  const email = uniqueEmail("keyboard");
  await createUser(page, { email });
  await expect(page.getByRole("heading", { level: 1, name: email })).toBeFocused();
  await expectNoSeriousAxeViolations(page, "user page");

  const block = page.getByRole("button", { name: "Block", exact: true });
  await block.focus();
  await page.keyboard.press("Enter");
  const blockDialog = page.getByRole("dialog", { name: "Block this user?" });
  await expect(blockDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectNoSeriousAxeViolations(page, "block dialog");
  // Escape is the safe way out: nothing happens and focus returns to Block.
  await page.keyboard.press("Escape");
  await expect(blockDialog).toBeHidden();
  await expect(block).toBeFocused();

  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  await expect(blockDialog.getByRole("button", { name: "Block user" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(toast(page)).toHaveText("The user is blocked: they can no longer sign in.");
  const unblock = page.getByRole("button", { name: "Unblock" });
  await expect(unblock).toBeFocused();
  expect(await bodyHasFocus(page)).toBe(false);

  await page.keyboard.press("Enter");
  await expect(toast(page)).toHaveText("The user is unblocked.");
  await expect(block).toBeFocused();

  const remove = page.getByRole("button", { name: "Delete", exact: true });
  await remove.focus();
  await page.keyboard.press("Enter");
  const deleteDialog = page.getByRole("dialog", { name: "Delete this user?" });
  await expect(deleteDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  // Enter on the initial focus cancels.
  await page.keyboard.press("Enter");
  await expect(deleteDialog).toBeHidden();
  await expect(remove).toBeFocused();

  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/users$/);
  await expect(toast(page)).toHaveText(`The user ${email} was deleted.`);
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeFocused();
  expect(await focusedText(page)).toBe("Users");
});

test("the toast is dismissed on its own, and a slow action shows the progress bar until it answers", async ({ page }) => {
  const email = uniqueEmail("toast");
  await createUser(page, { email });
  await expect(toast(page)).toHaveText("User created.");
  // TOAST_DURATION_MS is 8 s.
  await expect(toast(page)).toHaveText("", { timeout: 12_000 });

  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/users\/[^/]+$/, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    await held;
    await route.continue();
  });
  await page.getByRole("button", { name: "Mark email verified" }).click();
  await expect(page.getByRole("progressbar", { name: "Loading" })).toBeVisible();
  release();
  await expect(toast(page)).toHaveText("The email is marked as verified.");
  await expect(page.getByRole("progressbar", { name: "Loading" })).toHaveCount(0);
});
