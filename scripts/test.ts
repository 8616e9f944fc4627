/**
 * `npm test`: type check, lint, the Vitest suite's database tests on PGlite in memory, the whole suite on the
 * PostgreSQL server at TEST_DATABASE_URL (when set: each run and worker gets a private database there,
 * see tests/setup/), then the Playwright suite against a production build. Ends with one summary line:
 * "N passed, N failed".
 *
 * A Vitest run keeps one core busy (one test file at a time), so the PGlite run goes side by side with
 * the type check, the lint and the PostgreSQL run; its output is printed when it ends. The test files that
 * never open a database run once, in the PostgreSQL run (the shorter side); the PGlite run takes them too
 * when there is no PostgreSQL run.
 *
 * The Vitest suites run in a shuffled order (a new seed each time, printed, and reused with
 * VITEST_SEED=N), so a test that depends on another one's leftovers fails. A test that passes only on a
 * retry (Playwright's `flaky`, Vitest's retried tests) is counted as failed and fails the run.
 */
import { spawn } from "node:child_process";
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

/** Runs a step; with `logFile`, its output goes there and is printed when it ends (steps side by side). */
async function run(step: string, command: string, args: string[], env: Record<string, string> = {}, logFile?: string): Promise<boolean> {
  console.log(`\n=== ${step}: ${command} ${args.join(" ")}${logFile ? " (output shown when it ends)" : ""}`);
  const started = Date.now();
  const log = logFile ? fs.openSync(logFile, "w") : undefined;
  const child = spawn(command, args, { stdio: log === undefined ? "inherit" : ["ignore", log, log], env: { ...process.env, ...env } });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (...end) => resolve(end)));
  if (log !== undefined) {
    fs.closeSync(log);
    console.log(`\n=== ${step}: output\n${fs.readFileSync(logFile!, "utf8")}`);
  }
  const ok = code === 0;
  console.log(`=== ${step}: ${ok ? "ok" : `FAILED (exit ${code ?? signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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

async function vitest(step: string, env: Record<string, string>, { files = [] as string[], logFile = undefined as string | undefined } = {}) {
  const report = path.join(reportDir, `${step}.json`);
  const flakyReport = path.join(reportDir, `${step}.flaky.json`);
  await run(
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
      ...files,
    ],
    { ...env, VITEST_FLAKY_REPORT: flakyReport },
    logFile,
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

async function playwright() {
  const report = path.join(reportDir, "e2e.json");
  await run("e2e", "npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
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

/** The test files that open a database (tests/helpers/db.ts, or TEST_DATABASE_URL themselves). */
function databaseTestFiles(): string[] {
  const files = fs.readdirSync("tests", { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".test.ts"));
  return files.map((file) => path.join("tests", file)).filter((file) => /helpers\/db"|TEST_DATABASE_URL/.test(fs.readFileSync(file, "utf8"))).sort();
}

const postgresql = Boolean(process.env.TEST_DATABASE_URL);

async function checksThenPostgresql() {
  if (wanted("typecheck")) await run("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
  if (wanted("lint")) await run("lint", "npx", ["eslint", "."]);
  if (wanted("unit") && postgresql) await vitest("vitest-postgresql", {});
}

await Promise.all([
  wanted("unit")
    ? vitest("vitest-pglite", { TEST_DATABASE_URL: "" }, { files: postgresql ? databaseTestFiles() : [], logFile: path.join(reportDir, "vitest-pglite.log") })
    : undefined,
  checksThenPostgresql(),
]);
// Playwright's web server (e2e/start-server.ts) makes the production build it tests, in .next-e2e.
if (wanted("e2e")) await playwright();

console.log(`\nVitest order seed: ${seed} (VITEST_SEED=${seed} npm test repeats it)`);
console.log(`Failed steps: ${failures.length ? failures.join(", ") : "none"}`);
if (total.flaky) console.log(`${total.flaky} flaky tests are counted as failed.`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
