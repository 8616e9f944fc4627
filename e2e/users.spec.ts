import { expect, test } from "@playwright/test";
import { ADMINS, alertIn, confirmIn, createUser, editForm, fillCreateForm, saveUser, searchUsers, signIn, toast, uniqueEmail } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMINS.ian);
});

test("create a user and find it by search", async ({ page }) => {
  const email = uniqueEmail("create");
  await page.getByRole("link", { name: "Create user" }).click();
  await expect(page.getByRole("heading", { name: "Create user", level: 1 })).toBeVisible();
  await fillCreateForm(page, { email, name: "Grace Created", memberships: ["HR"] });
  await page.getByRole("button", { name: "Create user" }).click();

  await expect(page.getByRole("heading", { name: email, level: 1 })).toBeVisible();
  // The seed's Write Hook writes no name: the result says so instead of losing it silently.
  await expect(toast(page)).toHaveText("User created. The Write Hook did not keep: Name.");
  await expect(page.getByRole("region", { name: "Profile" })).toContainText("HR");

  await searchUsers(page, email.slice(4, 20).toUpperCase());
  const table = page.getByRole("table");
  await expect(table.getByRole("columnheader", { name: "Email" })).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("row").nth(1)).toContainText(email);
  await expect(page.getByText("1 user match")).toBeVisible();
});

test("server-side validation names the field, and a duplicate email is a field error", async ({ page }) => {
  await page.goto("/users/new");
  await fillCreateForm(page, { email: "not-an-email", password: "short" });
  await page.getByLabel("Repeat password").fill("different");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(alertIn(page)).toHaveText("Correct the 2 fields marked below.");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(page.getByText("The passwords do not match.")).toBeVisible();

  await fillCreateForm(page, { email: ADMINS.kelly.toUpperCase() });
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(alertIn(page)).toHaveText("A user with this email already exists in this connection.");
  const email = page.getByLabel("Email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription("A user with this email already exists in this connection.");
  await expect(page).toHaveURL(/\/users\/new$/);
});

test("edit a user's email and metadata", async ({ page }) => {
  const email = uniqueEmail("edit");
  const changed = uniqueEmail("edited");
  await createUser(page, { email, memberships: ["Sales"] });

  const form = editForm(page);
  await form.getByLabel("Email").fill(changed);
  await saveUser(page);
  await expect(page.getByRole("heading", { name: changed, level: 1 })).toBeVisible();

  await form.getByLabel("user_metadata").fill("[1, 2]");
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(alertIn(page)).toHaveText('user_metadata must be a JSON object, like {"title": "Analyst"}.');

  await form.getByLabel("user_metadata").fill(JSON.stringify({ notes: "x".repeat(17_000) }));
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(alertIn(page)).toHaveText("Metadata must be at most 16 KB of JSON.");

  await form.getByLabel("user_metadata").fill('{ "title": "Manager", "floor": 3 }');
  await saveUser(page);
  await page.reload();
  // Polled: right after a reload the form may not have rendered the stored value yet.
  await expect.poll(async () => JSON.parse((await form.getByLabel("user_metadata").inputValue()) || "null")).toEqual({ title: "Manager", floor: 3 });

  const audit = page.getByRole("region", { name: "Audit log" });
  await expect(audit.getByRole("cell", { name: "user.change_email" })).toBeVisible();
  await expect(audit.getByRole("cell", { name: "user.change_metadata" }).first()).toBeVisible();
});

test("block, unblock and delete a user", async ({ page }) => {
  const email = uniqueEmail("lifecycle");
  await createUser(page, { email });
  const header = page.getByRole("heading", { name: email, level: 1 }).locator("..");

  await page.getByRole("button", { name: "Block" }).click();
  await confirmIn(page, "Block this user?", "Block user");
  await expect(page.getByRole("button", { name: "Unblock" })).toBeVisible();
  await expect(header).toContainText("Blocked");

  await page.getByRole("button", { name: "Unblock" }).click();
  await expect(page.getByRole("button", { name: "Block" })).toBeVisible();
  await expect(header).not.toContainText("Blocked");

  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this user?" });
  await expect(dialog).toContainText(email);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole("button", { name: "Delete" }).click();
  await dialog.getByRole("button", { name: "Delete user" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(toast(page)).toHaveText(`The user ${email} was deleted.`);

  await searchUsers(page, email);
  await expect(page.getByText("No users match these filters.")).toBeVisible();
});

test("page through the list, change the page size, sort and filter", async ({ page }) => {
  const pager = page.getByRole("navigation", { name: "Users pages" });
  const rows = page.getByRole("table").getByRole("row");
  // The first row's email (its times turn relative once the page hydrates, so not the whole row's text).
  const firstEmail = () => rows.nth(1).getByRole("link").first();
  await expect(rows).toHaveCount(26);
  const total = Number((await page.getByText(/^\d+ users$/).textContent())?.split(" ")[0]);
  expect(total).toBeGreaterThan(200);
  await expect(pager).toContainText(`Page 1 of ${Math.ceil(total / 25)}`);
  const firstOnPage1 = await firstEmail().textContent();

  await pager.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pager).toContainText(`Page 2 of ${Math.ceil(total / 25)}`);
  await expect(firstEmail()).not.toHaveText(firstOnPage1 ?? "");
  await pager.getByRole("link", { name: "Previous" }).click();
  await expect(pager).toContainText("Page 1 of");

  await page.getByLabel("Page size").selectOption("10");
  await expect(pager).toContainText(`Page 1 of ${Math.ceil(total / 10)}`);
  await expect(rows).toHaveCount(11);

  // Past page 10 the pager's links carry a position in the list (keyset) instead of skipping rows.
  await page.goto("/users?per_page=10&page=10");
  const firstOnPage10 = await firstEmail().textContent();
  await pager.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=11&after=/);
  await expect(pager).toContainText(`Page 11 of ${Math.ceil(total / 10)}`);
  await expect(rows).toHaveCount(11);
  await pager.getByRole("link", { name: "Previous" }).click();
  await expect(page).toHaveURL(/page=10(&|$)/);
  await expect(firstEmail()).toHaveText(firstOnPage10 ?? "");
  await pager.getByRole("link", { name: "Next" }).click();
  await expect(pager).toContainText(`Page 11 of ${Math.ceil(total / 10)}`);
  await pager.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=12&after=/);
  await pager.getByRole("link", { name: "Previous" }).click();
  await expect(page).toHaveURL(/page=11&before=/);
  await expect(pager).toContainText(`Page 11 of ${Math.ceil(total / 10)}`);
  await page.goto("/users?per_page=10");

  await page.getByRole("columnheader", { name: "Name" }).getByRole("link").click();
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
  await page.getByRole("columnheader", { name: "Name" }).getByRole("link").click();
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");
  await expect(rows).toHaveCount(11);

  await page.getByLabel("Membership").selectOption("HR");
  await expect(page).toHaveURL(/membership=HR/);
  for (const row of await rows.all().then((all) => all.slice(1))) {
    // After the selection checkbox, Email, Name and Connection.
    await expect(row.getByRole("cell").nth(4)).toContainText("HR");
  }

  await searchUsers(page, "nobody-has-this-name");
  await expect(page.getByText("No users match these filters.")).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
});
