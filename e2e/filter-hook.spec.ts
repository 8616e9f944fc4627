import { expect, test, type Browser, type Page } from "@playwright/test";
import { AUTH0_FILTER_HOOK_SAMPLE } from "../tests/helpers/published-filter-hook";
import { ADMINS, confirmIn, createUser, listedTotal, pasteIntoEditor, searchUsers, signIn, toast, uniqueEmail } from "./fixtures";
import { withHookRestored } from "./support/hook-versions";

/*
 * Issue 9: a Filter Hook written for Auth0's Delegated Administration extension works unchanged. Ian
 * (IT, Administrator) pastes Auth0's published Filter Hook sample into Monaco and saves it; Kelly
 * (Finance) then sees only Finance users, and her own query searches stay inside her department. The
 * counts are checked against Ian's searches for the same users with the query language.
 */

async function pageOf(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

// The fifth cell: a selection checkbox precedes Email, Name and Connection for admins who change users.
const membershipCells = (page: Page) => page.locator("table tbody tr td:nth-child(5)");

test("Auth0's Filter Hook sample, pasted into Monaco: Kelly sees only Finance, and her queries stay inside it", async ({ page, browser }) => {
  // Two admins, two creates, a deploy, a restore and seven lists: a long scenario.
  test.setTimeout(240_000);
  const financeEmail = uniqueEmail("fsample-finance");
  const hrEmail = uniqueEmail("fsample-hr");
  const ian = await pageOf(browser, ADMINS.ian);
  await createUser(ian, { email: financeEmail, memberships: ["Finance"] });
  await createUser(ian, { email: hrEmail, memberships: ["HR"] });

  await withHookRestored(ian, "filter", async ({ deployed: previous }) => {
    await pasteIntoEditor(ian, AUTH0_FILTER_HOOK_SAMPLE);
    await expect(ian.locator(".monaco-editor .view-lines")).toContainText("Return the lucene query.");
    await expect(ian.getByRole("region", { name: "Code" }).locator("p[aria-live]")).toHaveText("No syntax errors.");
    await ian.getByRole("button", { name: "Deploy", exact: true }).click();
    await confirmIn(ian, "Deploy without previewing its impact?", "Deploy without preview");
    await expect(toast(ian)).toHaveText(`Deployed as version ${previous + 1}.`);

    // Saved verbatim: the stored code is what Auth0's page shows.
    await ian.goto("/hooks/filter");
    await expect(ian.locator(".monaco-editor .view-lines")).toContainText(`return callback(null, 'app_metadata.department:"' + department + '"');`);

    // Ian (IT) still sees everyone; his query searches give the figures Kelly's list must match.
    await searchUsers(ian, 'app_metadata.department:"Finance"');
    const finance = await listedTotal(ian);
    await searchUsers(ian, 'app_metadata.department:"Finance" AND email:*@example.com');
    const financeAtExample = await listedTotal(ian);
    await searchUsers(ian, "email:*@example.com");
    expect(await listedTotal(ian)).toBeGreaterThan(financeAtExample);

    await signIn(page, ADMINS.kelly);
    await page.goto("/users?per_page=100");
    expect(await listedTotal(page)).toBe(finance);
    await expect(membershipCells(page).first()).toBeVisible();
    for (const memberships of await membershipCells(page).allInnerTexts()) expect(memberships).toContain("Finance");

    await searchUsers(page, "email:*@example.com");
    expect(await listedTotal(page)).toBe(financeAtExample);
    for (const memberships of await membershipCells(page).allInnerTexts()) expect(memberships).toContain("Finance");
    // Her own query, even one naming an HR user, only finds Finance users.
    await searchUsers(page, `email:${financeEmail.split("@")[0]}* OR email:${hrEmail}`);
    await expect(page.getByRole("link", { name: financeEmail })).toBeVisible();
    await expect(page.getByRole("link", { name: hrEmail })).toHaveCount(0);
    expect(await listedTotal(page)).toBe(1);
  });
  await ian.context().close();
});

test("a query the console cannot use is explained next to the search box, not shown as an empty list", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  await searchUsers(page, "email:(kelly@example.com");
  const box = page.getByRole("searchbox", { name: "Search" });
  await expect(box).toHaveAttribute("aria-invalid", "true");
  await expect(box).toHaveAccessibleDescription("This parenthesis is never closed (at character 7).");
  await expect(page.getByText("No users match")).toHaveCount(0);
  await expect(page.getByText("No users are listed until the search is corrected or cleared.")).toBeVisible();

  await searchUsers(page, "email:(kelly@example.com)");
  await expect(box).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("link", { name: ADMINS.kelly })).toBeVisible();
  expect(await listedTotal(page)).toBe(1);
});
