/**
 * Runs every bench/*.bench.ts module (each exports an async function whose name starts with "bench"
 * and returns { name, lines }), printing the machine first. `npm run bench -- users sandbox` runs only
 * the benches whose file or function name contains one of the words.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadLine, machineInfo } from "./lib/machine";

interface BenchResult {
  name: string;
  lines: string[];
}
type BenchFunction = () => Promise<BenchResult>;

const benchDir = import.meta.dirname;
const filters = process.argv.slice(2).map((word) => word.toLowerCase());
const matches = (...names: string[]) =>
  filters.length === 0 || filters.some((word) => names.some((name) => name.toLowerCase().includes(word)));

const files = fs
  .readdirSync(benchDir)
  .filter((file) => file.endsWith(".bench.ts"))
  .sort();

console.log("# Delegate benchmarks");
for (const line of machineInfo()) console.log(line);
console.log(`started: ${new Date().toISOString()}`);

let ran = 0;
let failed = 0;
for (const file of files) {
  const moduleName = file.replace(/\.bench\.ts$/, "");
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(path.join(benchDir, file)).href)) as Record<string, unknown>;
  } catch (error) {
    if (!matches(moduleName)) continue;
    ran++;
    failed++;
    console.error(`\n## bench/${file}\nFAILED to load: ${error instanceof Error ? error.message : String(error)}`);
    continue;
  }
  const benches = Object.entries(loaded).filter(
    (entry): entry is [string, BenchFunction] => entry[0].startsWith("bench") && typeof entry[1] === "function",
  );
  for (const [functionName, bench] of benches) {
    if (!matches(moduleName, functionName)) continue;
    ran++;
    console.log(`\n## ${functionName} (bench/${file})`);
    const start = performance.now();
    try {
      const result = await bench();
      console.log(`# ${result.name}`);
      for (const line of result.lines) console.log(line);
    } catch (error) {
      failed++;
      console.error(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    console.log(`(${((performance.now() - start) / 1000).toFixed(1)} s)`);
  }
}

console.log(`\n${loadLine("at end")}`);
if (ran === 0) {
  console.error(`\nNo benchmark matches ${filters.join(", ")}. Available: ${files.join(", ")}`);
  process.exitCode = 1;
} else if (failed > 0) {
  process.exitCode = 1;
}
// A bench that leaves a handle open (a pool, a timer) must not keep the run from ending.
process.exit();
