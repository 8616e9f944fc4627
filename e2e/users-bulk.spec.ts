import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMINS, confirmIn, createUser, editForm, pasteIntoEditor, searchUsers, signIn, toast, uniqueEmail } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { withHookRestored } from "./support/hook-versions";

/*
 * Issue 12 item 12: the users table's row menu (Block or Unblock, Delete) and checkboxes for bulk Block,
 * Unblock and Delete, each user checked by the single action's rules, the Access Hook included, with a
 * result per user. Issue 14: every bulk action runs as a job, also over all users matching the list.
 */

test.describe.configure({ timeout: 180_000 });

async function pageOf(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

const rowOf = (page: Page, email: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name: email, exact: true }) });

test("keyboard only: the row menu blocks (asking first), unblocks and deletes (asking first)", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  const email = uniqueEmail("row-menu");
  await createUser(page, { email });
  await searchUsers(page, email);
  const row = rowOf(page, email);
  const menuButton = row.getByRole("button", { name: `Actions for ${email}` });
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");

  await menuButton.focus();
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu", { name: `Actions for ${email}` });
  await expect(menu.getByRole("menuitem", { name: "Block" })).toBeFocused();
  await expectNoSeriousAxeViolations(page, "users list with a row menu open");
  // Escape closes the menu and gives focus back to its button.
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(menuButton).toBeFocused();

  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  const blockDialog = page.getByRole("dialog", { name: "Block this user?" });
  await expect(blockDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(blockDialog.getByRole("button", { name: "Block user" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(toast(page)).toHaveText(`${email} is blocked: they can no longer sign in.`);
  await expect(row.getByText("Blocked", { exact: true })).toBeVisible();
  await expect(menuButton).toBeFocused();

  await page.keyboard.press("Enter");
  await expect(menu.getByRole("menuitem", { name: "Unblock" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(toast(page)).toHaveText(`${email} is unblocked.`);
  await expect(row.getByText("Unverified", { exact: true })).toBeVisible();

  await menuButton.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  await expect(menu.getByRole("menuitem", { name: "Delete" })).toBeFocused();
  await page.keyboard.press("Enter");
  const deleteDialog = page.getByRole("dialog", { name: "Delete this user?" });
  await expect(deleteDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  await expect(toast(page)).toHaveText(`The user ${email} was deleted.`);
  await expect(page.getByText("No users match these filters.")).toBeVisible();
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
});

test("bulk: Kelly blocks two Finance users, the Access Hook refuses the one moved to HR meanwhile; then unblock and delete", async ({
  page,
  browser,
}) => {
  const tag = `bulk${Date.now().toString(36)}`;
  const stays = uniqueEmail(`${tag}-stays`);
  const moves = uniqueEmail(`${tag}-moves`);
  const ian = await pageOf(browser, ADMINS.ian);
  await createUser(ian, { email: stays, memberships: ["Finance"] });
  await createUser(ian, { email: moves, memberships: ["Finance"] });

  await signIn(page, ADMINS.kelly);
  await searchUsers(page, tag);
  const bulk = page.getByRole("group", { name: "Bulk actions" });
  await expect(bulk).toContainText("No users selected");
  await expect(bulk.getByRole("button", { name: "Block", exact: true })).toBeDisabled();
  await page.getByRole("checkbox", { name: "Select every user on this page" }).check();
  await expect(page.getByRole("checkbox", { name: `Select ${stays}` })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: `Select ${moves}` })).toBeChecked();
  await expect(bulk).toContainText("2 selected");

  // Meanwhile Ian moves one of them to HR, out of Kelly's department.
  const memberships = editForm(ian).getByRole("group", { name: "Memberships" });
  await memberships.getByRole("checkbox", { name: "Finance" }).uncheck();
  await memberships.getByRole("checkbox", { name: "HR" }).check();
  await editForm(ian).getByRole("button", { name: "Save", exact: true }).click();
  await confirmIn(ian, "Remove a membership?", "Save and remove");
  await expect(toast(ian)).toHaveText("Saved.");
  await ian.context().close();

  await bulk.getByRole("button", { name: "Block", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Block 2 users?" });
  await expect(dialog).toContainText(stays);
  await expect(dialog).toContainText(moves);
  await expectNoSeriousAxeViolations(page, "bulk block dialog");
  await confirmIn(page, "Block 2 users?", "Block 2 users");
  await expect(toast(page)).toHaveText("Blocked 1 of 2 users. 1 refused: see the results.");
  const results = page.getByRole("region", { name: "Results: blocked 1 of 2" });
  // In the table's order (by email: "moves" before "stays").
  await expect(results.getByRole("listitem")).toHaveText([
    `${moves}: Not blocked. You can only manage users within your own department.`,
    `${stays}: Blocked`,
  ]);
  await expect(results.getByRole("heading")).toBeFocused();
  await expectNoSeriousAxeViolations(page, "users list with bulk results");
  // The moved user left Kelly's list; the other is blocked, and nothing is selected any more.
  await expect(rowOf(page, moves)).toHaveCount(0);
  await expect(rowOf(page, stays).getByText("Blocked", { exact: true })).toBeVisible();
  await expect(bulk).toContainText("No users selected");

  await page.getByRole("checkbox", { name: `Select ${stays}` }).check();
  await bulk.getByRole("button", { name: "Unblock" }).click();
  await expect(page.getByRole("region", { name: "Results: unblocked 1 of 1" }).getByRole("listitem")).toHaveText([`${stays}: Unblocked`]);
  await expect(rowOf(page, stays).getByText("Blocked", { exact: true })).toHaveCount(0);

  await page.getByRole("checkbox", { name: `Select ${stays}` }).check();
  await bulk.getByRole("button", { name: "Delete", exact: true }).click();
  await confirmIn(page, "Delete 1 user?", "Delete 1 user");
  await expect(toast(page)).toHaveText("Deleted 1 of 1 user.");
  await expect(rowOf(page, stays)).toHaveCount(0);
});

test("the admin's own row has neither a checkbox nor a menu", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  await searchUsers(page, ADMINS.ian);
  await expect(rowOf(page, ADMINS.ian)).toBeVisible();
  await expect(rowOf(page, ADMINS.ian).getByRole("checkbox")).toHaveCount(0);
  await expect(rowOf(page, ADMINS.ian).getByRole("button")).toHaveCount(0);
});

test("an Auditor's users list has no checkboxes, row menus or bulk actions", async ({ page }) => {
  await signIn(page, ADMINS.aud);
  await expect(page.getByRole("table")).toBeVisible();
  await expect(page.getByRole("group", { name: "Bulk actions" })).toHaveCount(0);
  await expect(page.getByRole("table").getByRole("checkbox")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Actions for / })).toHaveCount(0);
});

/** Refuses to block the users whose email starts with "bulkhold"; everything else is allowed. */
const HOLD_HOOK = `function (ctx, callback) {
  if (ctx.payload.action === 'block:user' && ctx.payload.user.email.indexOf('bulkhold') === 0) {
    return callback(new Error('This user is on a legal hold.'));
  }
  return callback();
}`;

test("bulk block as a job: the Access Hook denies one user, the others are blocked, each with its result", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  const tag = Date.now().toString(36);
  const held = `bulkhold-${tag}@example.com`;
  const others = [`bulkfree-${tag}-a@example.com`, `bulkfree-${tag}-b@example.com`];
  for (const email of [held, ...others]) await createUser(page, { email, memberships: ["HR"] });

  await withHookRestored(page, "access", async ({ deployed }) => {
    await pasteIntoEditor(page, HOLD_HOOK);
    await expect(page.getByRole("region", { name: "Code" }).locator("p[aria-live]")).toHaveText("No syntax errors.");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await confirmIn(page, "Deploy without previewing its impact?", "Deploy without preview");
    await expect(toast(page)).toHaveText(`Deployed as version ${deployed + 1}.`);

    await searchUsers(page, tag);
    const bulk = page.getByRole("group", { name: "Bulk actions" });
    await page.getByRole("checkbox", { name: "Select every user on this page" }).check();
    await expect(bulk).toContainText("3 selected");
    // Every user of the list is on this page: there is nothing more to select.
    await expect(bulk.getByRole("button", { name: /^Select all/ })).toHaveCount(0);
    await bulk.getByRole("button", { name: "Block", exact: true }).click();
    await confirmIn(page, "Block 3 users?", "Block 3 users");
    await expect(toast(page)).toHaveText("Blocked 2 of 3 users. 1 refused: see the results.");
    const results = page.getByRole("region", { name: "Results: blocked 2 of 3" });
    await expect(results.getByRole("heading")).toBeFocused();
    // Refused users first, then those done, each by email.
    await expect(results.getByRole("listitem")).toHaveText([
      `${held}: Not blocked. This user is on a legal hold.`,
      `${others[0]}: Blocked`,
      `${others[1]}: Blocked`,
    ]);
    await expectNoSeriousAxeViolations(page, "users list with bulk job results");
    for (const email of others) await expect(rowOf(page, email).getByText("Blocked", { exact: true })).toBeVisible();
    await expect(rowOf(page, held).getByText("Blocked", { exact: true })).toHaveCount(0);
  });
});

test("select all matching: one job over every user of the list, beyond the page, asking first", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, ADMINS.ian);
  const tag = `bulkall${Date.now().toString(36)}`;
  const emails = Array.from({ length: 11 }, (_, i) => `${tag}-${String(i).padStart(2, "0")}@example.com`);
  for (const email of emails) await createUser(page, { email, memberships: ["HR"] });

  await page.goto(`/users?search=${tag}&per_page=10`);
  const bulk = page.getByRole("group", { name: "Bulk actions" });
  await rowOf(page, emails[0]).getByRole("checkbox").check();
  await expect(bulk.getByRole("button", { name: /^Select all/ })).toHaveCount(0);
  await page.getByRole("checkbox", { name: "Select every user on this page" }).check();
  await expect(bulk).toContainText("10 selected");
  await bulk.getByRole("button", { name: "Select all 11 users matching this list" }).click();
  await expect(bulk).toContainText("All 11 users matching this list selected");
  // Unchecking a row goes back to the rows checked.
  await rowOf(page, emails[0]).getByRole("checkbox").uncheck();
  await expect(bulk).toContainText("9 selected");
  await rowOf(page, emails[0]).getByRole("checkbox").check();
  await bulk.getByRole("button", { name: "Select all 11 users matching this list" }).click();

  await bulk.getByRole("button", { name: "Block", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Block all 11 users matching this list?" });
  await expect(dialog).toContainText("The list is read again when the job starts");
  await confirmIn(page, "Block all 11 users matching this list?", "Block all 11 users matching this list");
  await expect(toast(page)).toHaveText("Blocked 11 of 11 users.");
  const results = page.getByRole("region", { name: "Results: blocked 11 of 11" });
  await expect(results.getByRole("heading")).toBeFocused();
  await expect(results.getByRole("listitem")).toHaveText(emails.map((email) => `${email}: Blocked`));
  await expect(bulk).toContainText("No users selected");
  // The user on the second page was blocked too.
  await page.goto(`/users?search=${tag}&per_page=10&page=2`);
  await expect(rowOf(page, emails[10]).getByText("Blocked", { exact: true })).toBeVisible();
});
