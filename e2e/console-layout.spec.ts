import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ADMINS, createUser, signIn, uniqueEmail } from "./fixtures";
import { expectNoSeriousAxeViolations } from "./support/axe";

/*
 * Issue 12, layout and finish: the navigation collapses below 900 px, nothing scrolls sideways at
 * 390 px, dark mode follows the OS, favicon and breadcrumbs. Screenshots of the main pages at three
 * widths are kept in test-results/screenshots (a few are copied to docs/screenshots for the README).
 */

// Long keyboard runs with axe and screenshots, on a shared machine.
test.describe.configure({ timeout: 120_000 });

const WIDTHS = [1400, 1024, 390] as const;

const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function shoot(page: Page, name: string, width: number): Promise<void> {
  await page.screenshot({ path: path.join(test.info().project.outputDir, "screenshots", `${name}-${width}.png`), fullPage: true });
}

test("at 390 px the navigation is a menu, nothing scrolls sideways, and the hook page says to use a wider screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, ADMINS.ian);
  const nav = page.getByRole("navigation", { name: "Main" });
  const menu = nav.getByRole("button", { name: "Menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav.getByRole("link", { name: "Logs" })).toBeHidden();
  expect(await horizontalOverflow(page)).toBe(0);
  await expectNoSeriousAxeViolations(page, "users list at 390 px");

  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await nav.getByRole("link", { name: "Hooks", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hooks" })).toBeFocused();
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  await page.goto("/hooks/write");
  await expect(page.getByText("Editing code needs a wider screen")).toBeVisible();

  const email = uniqueEmail("narrow-a-rather-long-address-that-must-wrap");
  await createUser(page, { email });
  expect(await horizontalOverflow(page)).toBe(0);

  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByText("Editing code needs a wider screen")).toHaveCount(0);
  await expect(menu).toBeHidden();
  await expect(nav.getByRole("link", { name: "Logs" })).toBeVisible();
});

test("dark mode follows the OS, in the pages and in Monaco; the favicon and breadcrumbs are there", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await signIn(page, ADMINS.ian);
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe("rgb(16, 21, 28)");
  await expectNoSeriousAxeViolations(page, "users list, dark");

  const email = uniqueEmail("dark");
  await createUser(page, { email });
  const breadcrumb = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(breadcrumb.getByRole("link", { name: "Users" })).toHaveAttribute("href", "/users");
  await expect(breadcrumb.getByText(email)).toHaveAttribute("aria-current", "page");
  await expectNoSeriousAxeViolations(page, "user page, dark");

  await page.goto("/hooks/write");
  await expect(page.locator(".monaco-editor.vs-dark")).toBeVisible();

  const icon = await page.locator('head link[rel="icon"]').first().getAttribute("href");
  expect(icon).toMatch(/^\/icon\.svg/);
  const response = await page.request.get(icon ?? "");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("image/svg+xml");
});

test("screenshots of the users list, a user page, the create form and the hook page at 1400, 1024 and 390 px", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  const email = uniqueEmail("screenshot");
  await createUser(page, { email, memberships: ["Sales"] });
  const userPage = new URL(page.url()).pathname;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/users");
    await expect(page.getByRole("table")).toBeVisible();
    await shoot(page, "users-list", width);
    await page.goto(userPage);
    await expect(page.getByRole("heading", { level: 1, name: email })).toBeVisible();
    await shoot(page, "user-page", width);
    await page.goto("/users/new");
    await expect(page.getByRole("form", { name: "Create user" })).toBeVisible();
    await shoot(page, "create-form", width);
    await page.goto("/hooks/write");
    await expect(page.locator(".monaco-editor .view-lines").first()).toContainText("function");
    await shoot(page, "hook-page", width);
    expect(await horizontalOverflow(page), `hook page at ${width} px`).toBe(0);
  }
});

test("the users table: every sortable column shows that it sorts, and each user has one status badge", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  const email = uniqueEmail("status");
  await createUser(page, { email });
  await page.goto(`/users?search=${encodeURIComponent(email)}`);
  const headers = page.getByRole("columnheader");
  await expect(headers.filter({ hasText: "Email" })).toHaveText("Email ▲");
  for (const name of ["Name", "Created", "Last login"]) await expect(headers.filter({ hasText: name })).toHaveText(`${name} ↕`);
  const row = page.getByRole("row").filter({ hasText: email });
  // The last cell is the row menu's.
  await expect(row.getByRole("cell").nth(-2)).toHaveText("Unverified");
});

/** WCAG contrast ratio of two computed CSS colours ("rgb(r, g, b)"). */
function contrast(foreground: string, background: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
      const c = Number(part) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

test("Monaco's line numbers are legible (at least 4.5:1), in the light and the dark theme", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto("/hooks/write");
    const lineNumber = page.locator(".monaco-editor .margin .line-numbers").filter({ hasText: /^2$/ });
    await expect(lineNumber).toBeVisible();
    // Polled: Monaco re-renders its margin while the page settles, and a replaced element has no computed colors.
    await expect
      .poll(
        async () => {
          const colors = await lineNumber.evaluate((element) => ({
            text: getComputedStyle(element).color,
            background: getComputedStyle(element.closest(".monaco-editor") ?? element).backgroundColor,
          }));
          return contrast(colors.text, colors.background);
        },
        { message: `${colorScheme}: the contrast of Monaco's line numbers with the editor's background` },
      )
      .toBeGreaterThanOrEqual(4.5);
  }
});
