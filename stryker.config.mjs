// @ts-check
/**
 * StrykerJS (mutation testing) with its Vitest runner. `npm run test:mutation [module…]` (scripts/mutation.ts)
 * runs it once per module of scripts/mutation-modules.ts, each with the test files that guard that module,
 * on PGlite (TEST_DATABASE_URL is cleared), and writes the scores to reports/mutation/. See docs/testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  // The module's test files only (vitest.mutation.config.ts says why not Stryker's `testFiles`).
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  // Two cores shared with everything else: one test runner at a time.
  concurrency: 1,
  timeoutMS: 60_000,
  timeoutFactor: 3,
  dryRunTimeoutMinutes: 30,
  incremental: true,
  reporters: ["clear-text", "progress", "json"],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80 },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  ignorePatterns: ["/.next", "/.next-e2e", "/reports", "/e2e", "/bench", "/docs", "/test-results", "/playwright-report", "/.stryker-tmp"],
};
export default config;
