import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    // Generous: on a loaded 2-core machine a test must fail for a wrong answer, not a slow one.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
    // A private PostgreSQL database per run and worker when TEST_DATABASE_URL is set (tests/setup/).
    globalSetup: ["tests/setup/private-databases.ts"],
    setupFiles: ["tests/setup/worker-database.ts"],
  },
});
