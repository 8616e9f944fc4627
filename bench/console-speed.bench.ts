/**
 * Issue 12, "Speed": the users list's first paint and the compressed JavaScript it loads, and how long the
 * hook page's Monaco takes to be ready, in a real browser (Debian's Chromium, as the browser tests) against
 * `next start` on PostgreSQL with the demo data (200 users, the demo hooks).
 *
 * - First paint (first-contentful-paint) of /users, cold (a new browser context: no cache) and warm (the
 *   same context again), against the sign-in page's in the same run: the ratio shows what the list itself
 *   costs beyond any page of the console.
 * - JavaScript: the compressed bytes (`encodedBodySize`) of every script a cold /users loads.
 * - Monaco: from navigation start until the editor shows the hook's code on /hooks/write, against the time
 *   to the hooks page's heading (/hooks, no editor) in the same run.
 *
 * Aims: first paint ≤ 0.6 s, ≤ 150 KB of compressed JavaScript on the users list, Monaco ready ≤ 2.5 s.
 */
import fs from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { DEMO_ADMIN_PASSWORD, seedDemoData } from "@/lib/seed/demo-data";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, ratio, table, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { startConsoleServer } from "./lib/server";
import { percentile } from "./lib/stats";

const PORT = 3395;
const ROUNDS = 7;
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

const median = (samples: number[]) => percentile(samples, 50);

async function signedInContext(browser: Browser, url: string, email: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/users$/);
  await page.close();
  return context;
}

/** First contentful paint of a page load, in ms from navigation start. */
async function firstPaint(page: Page, url: string, ready: string): Promise<number> {
  await page.goto(url);
  await page.locator(ready).first().waitFor();
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const seen = performance.getEntriesByName("first-contentful-paint")[0];
        if (seen) return resolve(seen.startTime);
        new PerformanceObserver((list) => resolve(list.getEntries()[0].startTime)).observe({ type: "paint", buffered: true });
      }),
  );
}

/** Compressed bytes of the scripts the page loaded. */
const scriptBytes = (page: Page) =>
  page.evaluate(() =>
    (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .filter((entry) => entry.initiatorType === "script" || entry.name.endsWith(".js"))
      .reduce((sum, entry) => sum + entry.encodedBodySize, 0),
  );

/** Milliseconds from navigation start until `selector` shows `text`. */
async function readyAfter(page: Page, url: string, selector: string, text: string): Promise<number> {
  await page.goto(url, { waitUntil: "commit" });
  await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

export async function benchConsoleSpeed(): Promise<{ name: string; lines: string[] }> {
  const bench = await openFreshBenchDatabase({ database: "delegate_bench_console" });
  const lines: string[] = [loadLine("before")];
  const server = await startConsoleServer({ port: PORT, databaseUrl: bench.url });
  const browser = await chromium.launch(fs.existsSync(DEBIAN_CHROMIUM) ? { executablePath: DEBIAN_CHROMIUM } : {});
  try {
    await seedDemoData(bench.db.prisma, { users: 200, hooks: true });
    const kelly = await signedInContext(browser, server.url, "kelly@example.com");
    const ian = await signedInContext(browser, server.url, "ian@example.com");
    const cookies = await kelly.cookies();

    const cold = { users: [] as number[], signin: [] as number[], bytes: [] as number[] };
    const warm = { users: [] as number[] };
    const monaco = { editor: [] as number[], list: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Cold: a fresh context (empty cache) with Kelly's session cookie.
      const context = await browser.newContext();
      await context.addCookies(cookies);
      const page = await context.newPage();
      cold.users.push(await firstPaint(page, `${server.url}/users`, "h1"));
      cold.bytes.push(await scriptBytes(page));
      warm.users.push(await firstPaint(page, `${server.url}/users`, "h1"));
      await context.close();
      const anonymous = await browser.newContext();
      const signinPage = await anonymous.newPage();
      cold.signin.push(await firstPaint(signinPage, `${server.url}/signin`, "h1"));
      await anonymous.close();

      const hookPage = await ian.newPage();
      monaco.list.push(await readyAfter(hookPage, `${server.url}/hooks`, "h1", "Hooks"));
      monaco.editor.push(await readyAfter(hookPage, `${server.url}/hooks/write`, ".monaco-editor .view-lines", "function"));
      await hookPage.close();
    }
    lines.push(loadLine("after"));

    const usersPaint = median(cold.users);
    const bytes = median(cold.bytes);
    const editor = median(monaco.editor);
    lines.push(
      ...table(
        ["measure", "median", "baseline (same run)", "median", "ratio"],
        [
          ["/users first paint, cold", ms(usersPaint), "/signin first paint, cold", ms(median(cold.signin)), ratio(usersPaint / median(cold.signin))],
          ["/users first paint, warm", ms(median(warm.users)), "/signin first paint, cold", ms(median(cold.signin)), ratio(median(warm.users) / median(cold.signin))],
          ["/hooks/write: Monaco shows the code", ms(editor), "/hooks: heading shown", ms(median(monaco.list)), ratio(editor / median(monaco.list))],
        ],
      ),
      `/users compressed JavaScript, cold: ${(bytes / 1024).toFixed(1)} KB (${ROUNDS} rounds, median)`,
      `first paint: ${verdict(usersPaint <= 600, "≤ 0.6 s")}`,
      `JavaScript: ${verdict(bytes <= 150 * 1024, "≤ 150 KB compressed")}`,
      `Monaco ready: ${verdict(editor <= 2_500, "≤ 2.5 s")}`,
    );
    await kelly.close();
    await ian.close();
  } finally {
    await browser.close();
    await server.stop();
    await bench.close();
  }
  return { name: `Console speed in the browser (${ROUNDS} rounds, medians)`, lines };
}
