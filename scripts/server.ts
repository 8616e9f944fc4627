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
import { pinClientAddress } from "@/lib/http/client-address";
import { handleOidcRequest, isOidcPath } from "@/lib/oidc/http";

function option(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const dev = process.argv.includes("--dev");
const hostname = option("-H");
const port = Number(option("-p") ?? getConfig().PORT);

const app = next({ dev, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

/*
 * Next.js runs instrumentation.ts (migrations, first-start seed, the database every module shares)
 * on its first request: one is made at start, and provider requests wait for it, so that the provider
 * uses the database Next.js opened (one PGlite owner) and a migrated schema.
 */
let markReady: () => void;
const ready = new Promise<void>((resolve) => (markReady = resolve));
const trustedHops = getConfig().DELEGATE_TRUSTED_PROXY_HOPS;
const server = http.createServer((req, res) => {
  pinClientAddress(req, trustedHops);
  if (!isOidcPath(new URL(req.url ?? "/", "http://localhost").pathname)) return void handle(req, res);
  void ready.then(() => handleOidcRequest(req, res));
});
server.listen(port, hostname, () => {
  const local = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
  const warmUp = http.request({ host: local, port, path: "/signin", method: "HEAD" }, (response) => {
    response.resume();
    markReady();
  });
  warmUp.on("error", () => markReady());
  warmUp.end();
  console.log(`Delegate ${dev ? "(development) " : ""}on http://${hostname ?? "localhost"}:${port} — OpenID Connect discovery at ${getConfig().publicUrl}/.well-known/openid-configuration`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
