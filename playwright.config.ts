import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * The browser tests run against a production build (`next build` + `next start`) on a fresh
 * embedded database seeded with the demo data (e2e/start-server.ts). Variables:
 * - E2E_BASE_URL: test a server that is already running instead (nothing is started).
 * - E2E_SERVER=dev: start `next dev` instead of a production build, for working on the tests.
 * - E2E_SKIP_BUILD=1: start the existing production build without building again.
 * - E2E_PORT: the port of the started server (default 3210).
 * - PLAYWRIGHT_CHROMIUM_PATH: the browser; default Debian's /usr/bin/chromium when it exists,
 *   otherwise Playwright's own Chromium (`npx playwright install chromium`).
 */
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${port}`;
const debianChromium = "/usr/bin/chromium";
const executablePath =
  process.env.PLAYWRIGHT_CHROMIUM_PATH ?? (fs.existsSync(debianChromium) ? debianChromium : undefined);
const dev = process.env.E2E_SERVER === "dev";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  // One server process with one embedded database: tests run one at a time.
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  // Generous on purpose: CI and the developers' machines have 2 cores shared with the server under test
  // and its build; a test fails on a wrong answer, not on a slow one.
  timeout: dev ? 180_000 : 90_000,
  expect: { timeout: dev ? 30_000 : 20_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: executablePath
          ? {
              executablePath,
              args: [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
              ],
            }
          : {},
      },
    },
  ],
  webServer: process.env.E2E_BASE_URL
    ? undefined
    : {
        command: "node --import tsx e2e/start-server.ts",
        url: `${baseURL}/signin`,
        timeout: 600_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        env: { E2E_PORT: String(port), E2E_PUBLIC_URL: baseURL },
      },
});
