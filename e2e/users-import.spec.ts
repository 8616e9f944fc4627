import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { ADMINS, USER_PASSWORD, searchUsers, signIn, uniqueEmail } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";

/*
 * Issue 14: Import users in the console. Kelly (Finance, the demo hooks) uploads a CSV (BOM, `;`), maps the
 * column the page cannot guess, runs the dry run (her Sales row is refused with the seed Write Hook's own
 * message, nothing is written), imports the valid row and downloads the result file.
 */

test.describe.configure({ timeout: 120_000 });

test("upload, map the columns, dry run: each row's outcome, the Write Hook's refusal in its own words", async ({ page }) => {
  await signIn(page, ADMINS.kelly);
  const finance = uniqueEmail("import-fin");
  const sales = uniqueEmail("import-sales");
  const csv = `\uFEFFE-mail;Password;Dept\r\n${finance};${USER_PASSWORD};Finance\r\n${sales};${USER_PASSWORD};Sales\r\n`;

  await page.getByRole("link", { name: "Import users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import users" })).toBeVisible();
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expectNoSeriousAxeViolations(page, "import: choose the file");
  await page.getByRole("button", { name: "Upload and map the columns" }).click();

  const mappingHeading = page.getByRole("heading", { name: "2. Map the columns (2 rows)" });
  await expect(mappingHeading).toBeFocused();
  await expect(page.getByLabel("Field for the column E-mail")).toHaveValue("email");
  await expect(page.getByLabel("Field for the column Password")).toHaveValue("password");
  await expect(page.getByLabel("Field for the column Dept")).toHaveValue("");
  // The first values, with the passwords masked.
  await expect(page.getByRole("row", { name: /^Password/ })).toContainText("•••, •••");
  await page.getByLabel("Field for the column Dept").selectOption({ label: "Memberships" });
  await expect(page.getByLabel("Refuse them: only create new users")).toBeChecked();
  await expectNoSeriousAxeViolations(page, "import: map the columns");
  await page.getByRole("button", { name: "Check the file (dry run)" }).click();

  await expect(page.getByRole("heading", { name: "3. Dry run: done" })).toBeFocused();
  await expect(page.getByRole("main").getByRole("status")).toHaveText("1 row to create, 0 rows to update, 0 rows unchanged, 1 row refused.");
  const outcomes = page.getByRole("table", { name: "Each row's outcome" });
  await expect(outcomes.getByRole("row", { name: new RegExp(`^1 ${finance}`) })).toContainText("Create");
  await expect(outcomes.getByRole("row", { name: new RegExp(`^2 ${sales}`) })).toContainText("RefusedYou can only create users within your own department.");
  await expectNoSeriousAxeViolations(page, "import: dry run");
});

test("imports after a dry run and gives the result file; nothing was written by the dry run", async ({ page }) => {
  await signIn(page, ADMINS.kelly);
  const finance = uniqueEmail("import-fin");
  const sales = uniqueEmail("import-sales");
  const csv = `\uFEFFE-mail;Password;Dept\r\n${finance};${USER_PASSWORD};Finance\r\n${sales};${USER_PASSWORD};Sales\r\n`;
  await page.goto("/users/import");
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload and map the columns" }).click();
  await page.getByLabel("Field for the column Dept").selectOption({ label: "Memberships" });
  // Keyboard only from here: the dry run's button, then the import's.
  await page.getByRole("button", { name: "Check the file (dry run)" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "3. Dry run: done" })).toBeFocused();

  const users = await page.request.get(`/users/export?search=${encodeURIComponent(finance)}`);
  expect(await users.text()).not.toContain(finance);

  await page.getByRole("button", { name: "Import the 1 valid row" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "4. Import: done" })).toBeFocused();
  await expect(page.getByRole("main").getByRole("status")).toHaveText("1 row created, 0 rows updated, 0 rows unchanged, 1 row refused.");
  await expectNoSeriousAxeViolations(page, "import: done");

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the result file" }).click();
  const download = await downloading;
  const lines = fs.readFileSync((await download.path())!, "utf8").trim().split("\r\n");
  expect(lines[0]).toBe("row,email,outcome,user_id,code,field,message,changes");
  expect(lines[1]).toMatch(new RegExp(`^1,${finance.replace(/\./g, "\\.")},created,[0-9a-f-]{36},,,,$`));
  expect(lines[2]).toBe(`2,${sales},refused,,HOOK_REFUSED,,You can only create users within your own department.,`);

  await page.getByRole("link", { name: "Back to the users" }).click();
  await searchUsers(page, finance);
  await expect(page.getByRole("link", { name: finance, exact: true })).toBeVisible();
});
