import { expect, test, type Locator, type Page } from "@playwright/test";
import { ADMINS, alertIn, createUser, fillCreateForm, signIn, toast, uniqueEmail } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { versionRow, withHookRestored } from "./support/hook-versions";

/*
 * Issue 12 item 3: "Save draft" and "Deploy" are separate, as in Auth0 Actions. A draft (with an optional
 * note, shown in the version list) does not run; only the deployed version does. Done with the keyboard only.
 */

const REFUSAL = "Addresses at drafted.example cannot be created.";
const RULE = `if (ctx.payload.email.endsWith('@drafted.example')) return callback(new Error('${REFUSAL}'));`;

const editorLines = (page: Page) => page.locator(".monaco-editor .view-lines").first();
/**
 * Presses Tab until `target` has focus. Monaco keeps Tab for indentation: the first time focus is in the
 * editor, Ctrl+M switches Tab to moving focus (as the hint under the editor says).
 */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  let tabMovesFocus = false;
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    const inEditor = await page.evaluate(() => Boolean(document.activeElement?.closest(".monaco-editor")));
    if (inEditor && !tabMovesFocus) {
      await page.keyboard.press("Control+M");
      tabMovesFocus = true;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`${limit} presses of Tab did not reach ${target.toString()}`);
}

async function createRefused(page: Page, email: string): Promise<void> {
  await page.goto("/users/new");
  await fillCreateForm(page, { email, memberships: ["Sales"] });
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(alertIn(page)).toHaveText(REFUSAL);
}

test("keyboard only: a draft with a note does not run, Deploy makes it run", async ({ page }) => {
  // Typing into Monaco and three creates on a shared 2-core machine.
  test.setTimeout(300_000);
  await signIn(page, ADMINS.ian);
  await withHookRestored(page, "write", async ({ deployed, newest }) => {
    const note = `refuse drafted.example ${Date.now().toString(36)}`;
    await tabTo(page, page.getByRole("textbox", { name: "Code of the Write Hook" }));
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(RULE);
    await page.keyboard.press("Escape");
    await expect(page.getByText("Unsaved changes", { exact: true })).toBeVisible();

    // Enter in the note field submits with the form's first button, Save draft.
    await tabTo(page, page.getByLabel("Version note (optional)"));
    await page.keyboard.type(note);
    await page.keyboard.press("Enter");
    await expect(toast(page)).toHaveText(`Draft saved as version ${newest + 1}. It does not run until it is deployed.`);
    await expect(page.getByText(`Draft version ${newest + 1} not deployed`)).toBeVisible();
    await expect(versionRow(page, newest + 1)).toContainText("Draft");
    await expect(versionRow(page, newest + 1)).toContainText(note);
    await expect(versionRow(page, deployed).getByRole("rowheader")).toHaveText(`${deployed}Deployed`);
    await expectNoSeriousAxeViolations(page, "hook page with a draft not deployed");

    // The draft does not run: the address it would refuse is created.
    await createUser(page, { email: `${uniqueEmail("draft").split("@")[0]}@drafted.example`, memberships: ["Sales"] });

    // The editor opens the draft; Deploy makes it run.
    await page.goto("/hooks/write");
    await expect(editorLines(page)).toContainText("drafted.example");
    await tabTo(page, page.getByRole("button", { name: "Deploy", exact: true }));
    await page.keyboard.press("Enter");
    await expect(toast(page)).toHaveText(`Deployed as version ${newest + 2}.`);
    await expect(versionRow(page, newest + 2).getByRole("rowheader")).toHaveText(`${newest + 2}Deployed`);
    await expect(page.getByText(/^Draft version \d+ not deployed$/)).toHaveCount(0);
    await createRefused(page, `${uniqueEmail("deployed").split("@")[0]}@drafted.example`);
  });
});
