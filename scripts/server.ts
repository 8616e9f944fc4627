/**
 * The console's HTTP server: Next.js plus, under the same origin, the OpenID Connect provider
 * (discovery at /.well-known/openid-configuration, endpoints under /oidc/) and the users' sign-in
 * pages (/interaction/…), lib/oidc/http.ts. `npm start` and the e2e server run it; `npm run dev`
 * runs it with `--dev` (next dev).
 *
 *   node --import tsx scripts/server.ts [--dev] [-H host] [-p port]
 */
import http from "node:http";
import next from "next";
import { getConfig } from "@/lib/config";
import { oidcRequestListener } from "@/lib/oidc/http";

function option(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const dev = process.argv.includes("--dev");
const hostname = option("-H");
const port = Number(option("-p") ?? getConfig().PORT);

const app = next({ dev, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
// Runs instrumentation.ts (migrations, first-start seed, delivery worker) before anything is served.
await app.prepare();

const server = http.createServer(oidcRequestListener((req, res) => void handle(req, res)));
server.listen(port, hostname, () => {
  console.log(`Delegate ${dev ? "(development) " : ""}on http://${hostname ?? "localhost"}:${port} — OpenID Connect discovery at ${getConfig().publicUrl}/.well-known/openid-configuration`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
