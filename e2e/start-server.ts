/**
 * Starts the console for the browser tests: a fresh embedded database in .data/e2e (.data/e2e-<port>
 * for another E2E_PORT; migrated and seeded with the demo data on start), a production build unless
 * E2E_SERVER=dev or E2E_SKIP_BUILD=1.
 * The build goes to its own directory (.next-e2e), so it never replaces a developer's build.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { E2E_ADMIN_PASSWORD } from "./fixtures";

const port = process.env.E2E_PORT ?? "3210";
// One data directory per port, so that runs on other ports (other engineers' suites) never share it.
const dataDir = path.resolve(".data", port === "3210" ? "e2e" : `e2e-${port}`);
const dev = process.env.E2E_SERVER === "dev";
const publicUrl = process.env.E2E_PUBLIC_URL ?? `http://127.0.0.1:${port}`;

fs.rmSync(dataDir, { recursive: true, force: true });

const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: "",
  DELEGATE_DATA_DIR: dataDir,
  DELEGATE_PUBLIC_URL: publicUrl,
  NEXTAUTH_URL: publicUrl,
  SEED_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
  PORT: port,
  NEXT_DIST_DIR: process.env.NEXT_DIST_DIR || ".next-e2e",
  NEXT_TELEMETRY_DISABLED: "1",
  // The webhook tests' receivers listen on 127.0.0.1, which the SSRF guard refuses unless allowlisted.
  DELEGATE_OUTBOUND_ALLOWLIST: process.env.DELEGATE_OUTBOUND_ALLOWLIST || "127.0.0.1",
};
const next = path.join("node_modules", "next", "dist", "bin", "next");

if (!dev && process.env.E2E_SKIP_BUILD !== "1") {
  const build = spawnSync(process.execPath, [next, "build"], { stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The custom server (Next.js plus the OpenID Connect provider), as `npm start` runs it.
const server = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts", ...(dev ? ["--dev"] : []), "-H", "127.0.0.1", "-p", port], {
  stdio: "inherit",
  env: dev ? env : { ...env, NODE_ENV: "production" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
