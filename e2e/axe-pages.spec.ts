import { expect, test } from "@playwright/test";
import { ADMINS, signIn } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";

/*
 * Issue 12 item 10: axe finds no serious or critical violation on the webhooks and API token pages either
 * (the users, hooks and forms pages are checked in the specs of their journeys), light and dark.
 */

test.describe.configure({ timeout: 180_000 });

const PAGES = [
  { path: "/webhooks", heading: "Webhooks" },
  { path: "/webhooks/new", heading: "Add endpoint" },
  { path: "/webhooks/rest-hooks", heading: "REST hooks" },
  { path: "/webhooks/settings", heading: "Delivery settings" },
  { path: "/settings/api-tokens", heading: "API tokens" },
];

for (const colorScheme of ["light", "dark"] as const) {
  test(`axe: the webhooks and API token pages, ${colorScheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await signIn(page, ADMINS.ian);
    for (const { path, heading } of PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expectNoSeriousAxeViolations(page, `${path}, ${colorScheme}`);
    }

    // A new token shown once, and the list with it.
    await page.goto("/settings/api-tokens");
    await page.getByLabel("Name").fill(`axe ${colorScheme} ${Date.now().toString(36)}`);
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByLabel("New API token")).toContainText("dlg_");
    await expectNoSeriousAxeViolations(page, `a new API token, ${colorScheme}`);
  });
}
