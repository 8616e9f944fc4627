/**
 * `npm test`: type check, lint, the Vitest suite on PGlite in memory, the same suite on the
 * PostgreSQL server at TEST_DATABASE_URL (when set: each run and worker gets a private database there,
 * see tests/setup/), then the Playwright suite against a production build. Ends with one summary line:
 * "N passed, N failed".
 *
 * The Vitest suites run in a shuffled order (a new seed each time, printed, and reused with
 * VITEST_SEED=N), so a test that depends on another one's leftovers fails. A test that passes only on a
 * retry (Playwright's `flaky`, Vitest's retried tests) is counted as failed and fails the run.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
}
const total: Counts = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
const failures: string[] = [];
const only = new Set(process.argv.slice(2));
const wanted = (step: string) => only.size === 0 || only.has(step);

function run(step: string, command: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${step}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const ok = result.status === 0;
  console.log(`=== ${step}: ${ok ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!ok) failures.push(step);
  return ok;
}

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-test-"));

const seed = process.env.VITEST_SEED ?? String(Math.floor(Math.random() * 1_000_000));

/** A step that passed but had flaky tests still fails the run. */
function countFlaky(step: string, names: string[]) {
  if (names.length === 0) return;
  console.log(`=== ${step}: ${names.length} flaky (passed only on a retry), counted as failed:\n  ${names.join("\n  ")}`);
  total.flaky += names.length;
  total.failed += names.length;
  if (!failures.includes(step)) failures.push(`${step} (flaky)`);
}

function vitest(step: string, env: Record<string, string>) {
  const report = path.join(reportDir, `${step}.json`);
  const flakyReport = path.join(reportDir, `${step}.flaky.json`);
  run(
    step,
    "npx",
    [
      "vitest",
      "run",
      "--sequence.shuffle",
      `--sequence.seed=${seed}`,
      "--reporter=default",
      "--reporter=json",
      "--reporter=./tests/setup/flaky-reporter.ts",
      `--outputFile.json=${report}`,
    ],
    { ...env, VITEST_FLAKY_REPORT: flakyReport },
  );
  if (fs.existsSync(flakyReport)) {
    const flaky = JSON.parse(fs.readFileSync(flakyReport, "utf8")) as { file: string; name: string }[];
    countFlaky(step, flaky.map((test) => `${path.relative(process.cwd(), test.file)} > ${test.name}`));
    total.passed -= flaky.length;
  }
  if (!fs.existsSync(report)) return;
  const json = JSON.parse(fs.readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  total.passed += json.numPassedTests;
  total.failed += json.numFailedTests;
  total.skipped += json.numPendingTests + json.numTodoTests;
}

function playwright() {
  const report = path.join(reportDir, "e2e.json");
  run("e2e", "npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  if (!fs.existsSync(report)) return;
  const json = JSON.parse(fs.readFileSync(report, "utf8")) as PlaywrightReport;
  total.passed += json.stats.expected;
  total.failed += json.stats.unexpected;
  total.skipped += json.stats.skipped;
  // stats.flaky counts them even if the names could not be read from the suites.
  const names = flakyPlaywrightTests(json.suites ?? []);
  countFlaky("e2e", names.length >= json.stats.flaky ? names : [...names, `${json.stats.flaky - names.length} more`].slice(0, json.stats.flaky));
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: { title: string; tests: { status: string }[] }[];
  suites?: PlaywrightSuite[];
}
interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  suites?: PlaywrightSuite[];
}

function flakyPlaywrightTests(suites: PlaywrightSuite[], parents: string[] = []): string[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? [])
      .filter((spec) => spec.tests.some((test) => test.status === "flaky"))
      .map((spec) => [...parents, suite.title, spec.title].filter(Boolean).join(" > ")),
    ...flakyPlaywrightTests(suite.suites ?? [], [...parents, suite.title]),
  ]);
}

if (wanted("typecheck")) run("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
if (wanted("lint")) run("lint", "npx", ["eslint", "."]);
if (wanted("unit")) vitest("vitest-pglite", { TEST_DATABASE_URL: "" });
if (wanted("unit") && process.env.TEST_DATABASE_URL) vitest("vitest-postgresql", {});
// Playwright's web server (e2e/start-server.ts) makes the production build it tests, in .next-e2e.
if (wanted("e2e")) playwright();

console.log(`\nVitest order seed: ${seed} (VITEST_SEED=${seed} npm test repeats it)`);
console.log(`Failed steps: ${failures.length ? failures.join(", ") : "none"}`);
if (total.flaky) console.log(`${total.flaky} flaky tests are counted as failed.`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
