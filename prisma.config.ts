import path from "node:path";
import { defineConfig } from "prisma/config";
import { createCliAdapter } from "./lib/db/cli-adapter";

// The CLI runs the WebAssembly schema engine through a driver adapter: no native engine
// can be downloaded on our machines (see docs/architecture.md, "Database").
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: createCliAdapter,
});
