import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_FILTER_HOOK } from "../lib/hooks/demo-hooks";
import { ADMINS, confirmIn, listedTotal, pasteIntoEditor, signIn, toast } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { withHookRestored } from "./support/hook-versions";

/*
 * Issue 13, "Impact preview of a rule change": Ian previews the demo Filter Hook changed to let Finance
 * admins see IT. Kelly's row says how many users she gains; once Ian deploys it, Kelly's list shows that
 * many more. Deploying code that was not previewed asks first.
 */

const FINANCE_SEES_IT = DEMO_FILTER_HOOK.replace(
  "return callback(null, { field: 'memberships', equals: department });",
  "return callback(null, department === 'Finance' ? { field: 'memberships', in: ['Finance', 'IT'] } : { field: 'memberships', equals: department });",
);

async function pageOf(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

test("a Filter Hook draft's impact per admin equals what Kelly's list shows once it is deployed", async ({ page, browser }) => {
  test.setTimeout(240_000);
  expect(FINANCE_SEES_IT).not.toBe(DEMO_FILTER_HOOK);
  const kelly = await pageOf(browser, ADMINS.kelly);
  const before = await listedTotal(kelly);
  await signIn(page, ADMINS.ian);

  await withHookRestored(page, "filter", async ({ deployed }) => {
    await pasteIntoEditor(page, FINANCE_SEES_IT);
    await expect(page.getByRole("region", { name: "Code" }).locator("p[aria-live]")).toHaveText("No syntax errors.");

    // Not previewed: Deploy asks, and Cancel deploys nothing.
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    const ask = page.getByRole("dialog", { name: "Deploy without previewing its impact?" });
    await expect(ask.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(ask).toBeHidden();
    await expect(page.getByRole("button", { name: "Deploy", exact: true })).toBeFocused();

    // Preview impact, from the keyboard.
    await page.getByRole("button", { name: "Preview impact" }).focus();
    await page.keyboard.press("Enter");
    const panel = page.getByRole("region", { name: "Impact of deploying this code" });
    await expect(panel.getByRole("status")).toHaveText(new RegExp(`^Compared with deployed version ${deployed}: \\d+ of \\d+ admins affected, in [\\d.]+ s\\.$`));
    const row = (name: string) => panel.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(name) }) });
    const change = await row("Kelly Finance").getByRole("cell").first().innerText();
    const gained = Number(/^\+(\d+) visible, −0$/.exec(change)?.[1]);
    expect(gained).toBeGreaterThan(0);
    await expect(row("Ian IT").getByRole("cell").first()).toHaveText("no change");

    // The drill-down: the first users she would newly see.
    await row("Kelly Finance").getByText("Details").focus();
    await page.keyboard.press("Enter");
    await expect(row("Kelly Finance").getByRole("listitem").filter({ hasText: "Newly visible:" })).toHaveText(
      new RegExp(`^Newly visible: ${gained}, first: `),
    );
    await expect(row("Kelly Finance").getByRole("listitem").first()).toHaveText(`Users in their list: ${before} → ${before + gained}`);
    await expectNoSeriousAxeViolations(page, "the hook editor with an impact preview");

    // Previewed: Deploy does not ask. Kelly's list then shows exactly the previewed gain.
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await expect(toast(page)).toHaveText(`Deployed as version ${deployed + 1}.`);
    await kelly.reload();
    await expect.poll(() => listedTotal(kelly)).toBe(before + gained);

    // Changing the code again makes the preview stale: Deploy asks again.
    await pasteIntoEditor(page, DEMO_FILTER_HOOK);
    await expect(panel.getByText("The code changed since this preview: preview it again before deploying.")).toBeVisible();
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await confirmIn(page, "Deploy without previewing its impact?", "Deploy without preview");
    await expect(toast(page)).toHaveText(`Deployed as version ${deployed + 2}.`);
  });
  await kelly.reload();
  await expect.poll(() => listedTotal(kelly)).toBe(before);
});
