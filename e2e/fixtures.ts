import { expect, type BrowserContext, type Page } from "@playwright/test";

export const E2E_ADMIN_PASSWORD = "Delegate-demo-1!";

/** The seeded admins (lib/seed/demo-data.ts). */
export const ADMINS = {
  kelly: "kelly@example.com",
  ian: "ian@example.com",
  olga: "olga@example.com",
  aud: "aud@example.com",
} as const;

/** A password that meets the demo connection's policy (8 characters, 3 character classes). */
export const USER_PASSWORD = "Str0ng-enough";

let counter = 0;
/** An email no other test (nor an earlier run on the same database) uses. */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `e2e-${label}-${Date.now().toString(36)}${counter}@example.com`;
}

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;
/** The console session of each admin who signed in through the form in this worker. */
const sessions = new Map<string, Cookies>();

/**
 * Signs in and waits for the users page; `heading` is its heading when a Settings Query Hook renames it.
 * An admin who already signed in through the form in this worker gets that session's cookie instead (a
 * sign-in costs seconds of password hashing and rendering, 70 times per run); the form is used again
 * when the session was ended meanwhile, and always with `viaForm` (tests of signing in itself).
 */
export async function signIn(
  page: Page,
  email: string,
  password = E2E_ADMIN_PASSWORD,
  { heading = "Users", viaForm = false } = {},
): Promise<void> {
  const session = sessions.get(email);
  if (session && !viaForm) {
    await page.context().addCookies(session);
    await page.goto("/users");
    if (new URL(page.url()).pathname === "/users") {
      await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
      return;
    }
    sessions.delete(email);
  }
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
  sessions.set(email, await page.context().cookies());
}

export interface NewUser {
  email: string;
  /** Default: Finance. */
  password?: string;
  name?: string;
  memberships?: string[];
}

/** Creates a user through the console's form and waits for the user's page. */
export async function createUser(page: Page, user: NewUser): Promise<void> {
  await page.goto("/users/new");
  await fillCreateForm(page, user);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("heading", { name: user.email, level: 1 })).toBeVisible();
  // "User created." or, when the Write Hook dropped a field, "User created. The Write Hook did not keep: …".
  await expect(toast(page)).toContainText("User created.");
}

/** The console's one region for action results (auto-dismissed after a few seconds). */
export const toast = (page: Page) => page.getByRole("status", { name: "Notifications" });

/** Answers a confirmation dialog with its confirm button. */
export async function confirmIn(page: Page, dialogName: string, confirmLabel: string): Promise<void> {
  const dialog = page.getByRole("dialog", { name: dialogName });
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: confirmLabel }).click();
  await expect(dialog).toBeHidden();
}

/** The user page's edit form. */
export const editForm = (page: Page) => page.getByRole("form", { name: "Edit user" });

/** Dismisses the toast shown, so that the next expectation on it is about a new result. */
export async function dismissToast(page: Page): Promise<void> {
  const dismiss = toast(page).getByRole("button", { name: "Dismiss" });
  // The toast may time out between the count and the click: then there is nothing left to dismiss.
  if (await dismiss.count()) await dismiss.click({ timeout: 5_000 }).catch(() => undefined);
  await expect(dismiss).toHaveCount(0);
}

/** Submits the edit form and waits for its confirmation (not an earlier save's "Saved." still on screen). */
export async function saveUser(page: Page): Promise<void> {
  const form = editForm(page);
  await dismissToast(page);
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await expect(toast(page)).toHaveText("Saved.");
}

/** The form-level or page-level error message (Next.js keeps its own empty alert outside <main>). */
export const alertIn = (page: Page) => page.getByRole("main").getByRole("alert");

export async function fillCreateForm(page: Page, user: NewUser): Promise<void> {
  await page.getByLabel("Email").fill(user.email);
  // The form offers an invitation first; these users get a password set by the admin.
  await page.getByLabel("Set a password").check();
  await page.getByLabel("Password", { exact: true }).fill(user.password ?? USER_PASSWORD);
  await page.getByLabel("Repeat password").fill(user.password ?? USER_PASSWORD);
  // The demo tenant's Write Hook (the seed's sample) refuses a user without a department.
  const memberships = page.getByRole("group", { name: "Memberships" });
  for (const membership of user.memberships ?? ["Finance"]) await memberships.getByLabel(membership, { exact: true }).check();
  if (user.name) await page.getByLabel("Name", { exact: true }).fill(user.name);
}

/** Searches the users list from its search box. */
export async function searchUsers(page: Page, term: string): Promise<void> {
  await page.goto("/users");
  await page.getByRole("searchbox", { name: "Search" }).fill(term);
  await page.getByRole("button", { name: "Search" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("search")).toBe(term);
}

/** The number in the users list's "N users match" / "N users" line. */
export async function listedTotal(page: Page): Promise<number> {
  const line = page.getByText(/^\d+ users?( match)?$/);
  await expect(line).toBeVisible();
  return Number.parseInt(await line.innerText(), 10);
}

/** Replaces the hook editor's text by pasting `text` from the clipboard, as a person pasting a hook does. */
export async function pasteIntoEditor(page: Page, text: string): Promise<void> {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Control+V");
}
