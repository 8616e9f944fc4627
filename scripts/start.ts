/**
 * `npm start`: builds the console when there is no build or the sources changed since the last
 * one, then starts it (scripts/server.ts) on PORT (default 3000). Migrations and the first-start seed run inside the
 * server (instrumentation.ts).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config";

const SOURCES = ["app", "components", "lib", "prisma", "instrumentation.ts", "next.config.js", "package-lock.json"];

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry) || entry.includes(`lib${path.sep}generated`)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

const buildId = path.join(".next", "BUILD_ID");
const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
if (builtAt < Math.max(...SOURCES.map(newestMtime))) {
  console.log(builtAt ? "Sources changed since the last build: rebuilding." : "No build yet: building the console (about a minute).");
  const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { PORT } = getConfig();
// The custom server (scripts/server.ts): Next.js plus the OpenID Connect provider on one origin.
const server = spawnSync(process.execPath, ["--import", "tsx", "scripts/server.ts", "-p", String(PORT)], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production" },
});
process.exit(server.status ?? 0);
