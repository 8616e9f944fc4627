/**
 * `npm run test:mutation [module…]`: StrykerJS (stryker.config.mjs, Vitest runner) on each module of
 * scripts/mutation-modules.ts in turn, with only that module's test files, on PGlite. Incremental: the
 * results of each module are kept in reports/mutation/<module>.incremental.json, so a second run only tests
 * the mutants of changed code or tests (`--force` runs all again). Prints and writes
 * reports/mutation/summary.json: per module the score, the counts, the duration and the survivors.
 * `MUTATION_DATABASE_URL=postgresql://… npm run test:mutation …` runs the database-backed tests on that server.
 * Slow on 2 cores (minutes per module, see docs/testing.md): not part of `npm test`.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Stryker } from "@stryker-mutator/core";
import type { MutantResult, PartialStrykerOptions } from "@stryker-mutator/api/core";
import { MUTATION_MODULES } from "./mutation-modules";

const { default: strykerConfig } = (await import(pathToFileURL(path.resolve("stryker.config.mjs")).href)) as {
  default: PartialStrykerOptions;
};

const args = process.argv.slice(2);
const force = args.includes("--force");
const requested = args.filter((arg) => !arg.startsWith("--"));
const unknown = requested.filter((name) => !(name in MUTATION_MODULES));
if (unknown.length) {
  console.error(`Unknown module(s): ${unknown.join(", ")}. Known: ${Object.keys(MUTATION_MODULES).join(", ")}`);
  process.exit(2);
}
const names = requested.length ? requested : Object.keys(MUTATION_MODULES);
const reportDir = path.join("reports", "mutation");
fs.mkdirSync(reportDir, { recursive: true });
// Mutants run on PGlite in memory (a private database per test file), or with MUTATION_DATABASE_URL on that
// PostgreSQL server, in a private database per Stryker run and worker (tests/setup/private-databases.ts):
// migrating and seeding there takes seconds instead of half a minute, for every mutant of a database-backed module.
if (process.env.MUTATION_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.MUTATION_DATABASE_URL;
else delete process.env.TEST_DATABASE_URL;

interface ModuleScore {
  module: string;
  title: string;
  score: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  errors: number;
  seconds: number;
  date: string;
  survivors: string[];
}

function summarise(module: string, results: MutantResult[], seconds: number): ModuleScore {
  const count = (...statuses: string[]) => results.filter((result) => statuses.includes(result.status)).length;
  const killed = count("Killed");
  const timeout = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const detected = killed + timeout;
  const valid = detected + survived + noCoverage;
  return {
    module,
    title: MUTATION_MODULES[module].title,
    score: valid ? Math.round((detected / valid) * 1000) / 10 : 100,
    killed,
    timeout,
    survived,
    noCoverage,
    ignored: count("Ignored"),
    errors: count("CompileError", "RuntimeError"),
    seconds,
    date: new Date().toISOString(),
    survivors: results
      .filter((result) => result.status === "Survived" || result.status === "NoCoverage")
      .map((result) => `${result.fileName}:${result.location.start.line}:${result.location.start.column + 1} ${result.mutatorName}${result.replacement ? ` → ${JSON.stringify(result.replacement).slice(0, 80)}` : ""} (${result.status})`),
  };
}

const summaryFile = path.join(reportDir, "summary.json");
const summary: Record<string, ModuleScore> = fs.existsSync(summaryFile) ? JSON.parse(fs.readFileSync(summaryFile, "utf8")) : {};
let belowTarget = 0;
for (const name of names) {
  const target = MUTATION_MODULES[name];
  const testFiles = target.tests.filter((file) => fs.existsSync(file));
  console.log(`\n=== mutation: ${name} (${target.mutate.join(", ")}) with ${testFiles.join(", ")}`);
  const started = Date.now();
  // Read by vitest.mutation.config.ts in Stryker's test runner process (started by this Stryker instance).
  process.env.MUTATION_TEST_FILES = testFiles.join(",");
  const results = await new Stryker({
    ...strykerConfig,
    mutate: target.mutate,
    incrementalFile: path.join(reportDir, `${name}.incremental.json`),
    force,
    jsonReporter: { fileName: path.join(reportDir, `${name}.json`) },
    htmlReporter: { fileName: path.join(reportDir, `${name}.html`) },
  }).runMutationTest();
  const score = summarise(name, results, Math.round((Date.now() - started) / 1000));
  summary[name] = score;
  fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
  if (score.score < 80) belowTarget += 1;
  console.log(`=== mutation: ${name}: ${score.score} % (${score.killed} killed, ${score.timeout} timeout, ${score.survived} survived, ${score.noCoverage} no coverage) in ${score.seconds} s`);
  for (const survivor of score.survivors) console.log(`    survived: ${survivor}`);
}

console.log("\nmodule              score   killed  survived  no cov.  seconds");
for (const name of names) {
  const s = summary[name];
  console.log(`${name.padEnd(20)}${`${s.score} %`.padStart(7)}${String(s.killed + s.timeout).padStart(9)}${String(s.survived).padStart(10)}${String(s.noCoverage).padStart(9)}${String(s.seconds).padStart(9)}`);
}
console.log(`\n${names.length - belowTarget} passed, ${belowTarget} failed (a module passes at a mutation score of 80 % or more)`);
process.exit(belowTarget ? 1 : 0);
