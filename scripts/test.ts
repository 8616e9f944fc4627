/**
 * `npm test`: type check, lint, the Vitest suite on PGlite in memory, the same suite on the
 * PostgreSQL server at TEST_DATABASE_URL (when set), then the Playwright suite against a production
 * build. Ends with one summary line: "N passed, N failed".
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
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

function vitest(step: string, env: Record<string, string>) {
  const report = path.join(reportDir, `${step}.json`);
  run(step, "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], env);
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
  const json = JSON.parse(fs.readFileSync(report, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  total.passed += json.stats.expected + json.stats.flaky;
  total.failed += json.stats.unexpected;
  total.skipped += json.stats.skipped;
}

if (wanted("typecheck")) run("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
if (wanted("lint")) run("lint", "npx", ["eslint", "."]);
if (wanted("unit")) vitest("vitest-pglite", { TEST_DATABASE_URL: "" });
if (wanted("unit") && process.env.TEST_DATABASE_URL) vitest("vitest-postgresql", {});
// Playwright's web server (e2e/start-server.ts) makes the production build it tests, in .next-e2e.
if (wanted("e2e")) playwright();

console.log(`\nFailed steps: ${failures.length ? failures.join(", ") : "none"}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
