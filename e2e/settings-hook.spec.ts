import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMINS, confirmIn, pasteIntoEditor, signIn, toast } from "./fixtures";

/*
 * Issue 9: a Settings Query Hook's result takes effect in the console as in DAE. Ian (IT, Administrator)
 * pastes a hook that gives Finance admins a stylesheet, French texts and a user field; Kelly (Finance)
 * then gets the stylesheet under a policy that allows its origin and no other, the texts, the field in
 * her create form and no Name column (search: false), while Ian's console keeps its defaults.
 */

/**
 * Serves a stylesheet that gives the page's body a 7 px top border and a language dictionary (DAE fetches a
 * `languageDictionary` URL; Delegate's server does), on 127.0.0.1 at a free port.
 */
async function stylesheetServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url === "/fr.json") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ usersTitle: "Utilisateurs", createUserButtonText: "Nouvel utilisateur" }));
      return;
    }
    response.writeHead(200, { "content-type": "text/css" });
    response.end("body { border-top: 7px solid rgb(1, 2, 3); }");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const settingsHook = (origin: string, marker: string) => `function (ctx, callback) {
  var department = (ctx.request.user.app_metadata || {}).department;
  if (department !== 'Finance') return callback(null, {});
  console.log('${marker}');
  callback(null, {
    css: '${origin}/finance.css',
    languageDictionary: '${origin}/fr.json',
    userFields: [
      { property: 'user_metadata.job_title', label: 'Job title', create: { type: 'text' }, search: { sort: true } },
      { property: 'name', search: false }
    ]
  });
}`;

async function pageOf(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, undefined, { heading: email === ADMINS.kelly ? "Utilisateurs" : "Users" });
  return page;
}

test("a Settings Query Hook's stylesheet, texts and user fields reach the console, the stylesheet's origin alone in its policy", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const sheet = await stylesheetServer();
  const other = await stylesheetServer();
  await signIn(page, ADMINS.ian);
  try {
    await page.goto("/hooks/settings");
    await expect(page.getByRole("heading", { name: "Settings Query Hook", level: 1 })).toBeVisible();
    await expect(page.locator(".monaco-editor .view-lines")).toContainText("function");
    const marker = `settings run ${Date.now()}`;
    await pasteIntoEditor(page, settingsHook(sheet.origin, marker));
    await expect(page.locator(".monaco-editor .view-lines")).toContainText("fr.json");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await confirmIn(page, "Deploy without previewing its impact?", "Deploy without preview");
    await expect(toast(page)).toContainText(/^Deployed as version \d+\.$/);

    const kelly = await pageOf(browser, ADMINS.kelly);
    const violations: string[] = [];
    kelly.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });
    const response = await kelly.goto("/users");
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy.split("; ").find((directive) => directive.startsWith("style-src"))).toBe(`style-src 'self' 'unsafe-inline' ${sheet.origin}`);
    await expect(kelly.locator(`link[rel="stylesheet"][href="${sheet.origin}/finance.css"]`)).toHaveCount(1);
    await expect.poll(() => kelly.evaluate(() => getComputedStyle(document.body).borderTopWidth)).toBe("7px");
    // The texts of the languageDictionary, and no Name column (search: false).
    await expect(kelly.getByRole("heading", { name: "Utilisateurs", level: 1 })).toBeVisible();
    await expect(kelly.getByRole("link", { name: "Nouvel utilisateur" })).toBeVisible();
    await expect(kelly.getByRole("columnheader", { name: "Email" })).toBeVisible();
    await expect(kelly.getByRole("columnheader", { name: "Name" })).toHaveCount(0);
    // The Job title column sorts (search.sort), by the metadata path.
    await kelly.getByRole("columnheader", { name: /Job title/ }).getByRole("link").click();
    await expect(kelly).toHaveURL(/[?&]sort=user_metadata\.job_title(&|$)/);
    await expect(kelly.getByRole("columnheader", { name: /Job title/ })).toHaveAttribute("aria-sort", "ascending");
    // A stylesheet from an origin the result does not name is refused by the policy.
    await kelly.evaluate((href) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    }, `${other.origin}/other.css`);
    await expect.poll(() => violations.some((text) => text.includes(`${other.origin}/other.css`))).toBe(true);
    expect(violations.filter((text) => text.includes(`stylesheet '${sheet.origin}`))).toEqual([]);

    // The create form asks for the declared field and no longer for a free Name.
    await kelly.getByRole("link", { name: "Nouvel utilisateur" }).click();
    await expect(kelly.getByRole("textbox", { name: "Job title" })).toBeVisible();
    await expect(kelly.getByRole("textbox", { name: "Name", exact: true })).toHaveCount(0);

    // One page view runs the hook once: the proxy (for the policy), the layout and the page share the run.
    const runs = async () => {
      await page.goto("/hooks/settings");
      return page.getByRole("table", { name: /Recent executions/ }).getByRole("row").filter({ hasText: marker }).count();
    };
    const before = await runs();
    await kelly.goto("/users");
    await expect(kelly.getByRole("heading", { name: "Utilisateurs", level: 1 })).toBeVisible();
    expect(await runs()).toBe(before + 1);

    // Ian's console (IT) keeps the defaults: no stylesheet origin, the Name column, no Job title.
    const ians = await page.goto("/users");
    expect(ians?.headers()["content-security-policy"].split("; ").find((directive) => directive.startsWith("style-src"))).toBe(
      "style-src 'self' 'unsafe-inline'",
    );
    await expect(page.getByRole("columnheader", { name: "Name" })).toBeVisible();
    await expect(page.locator('link[rel="stylesheet"][href^="http://127.0.0.1"]')).toHaveCount(0);
    await page.goto("/users/new");
    await expect(page.getByRole("textbox", { name: "Name", exact: true })).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Job title" })).toHaveCount(0);
  } finally {
    await page.goto("/hooks/settings");
    const disable = page.getByRole("button", { name: "Disable", exact: true });
    if (await disable.isVisible()) {
      await disable.click();
      await page.getByRole("dialog", { name: "Disable the Settings Query Hook?" }).getByRole("button", { name: "Disable the Settings Query Hook" }).click();
      await expect(page.getByRole("button", { name: "Enable", exact: true })).toBeVisible();
    }
    await Promise.all([sheet.close(), other.close()]);
  }
});
