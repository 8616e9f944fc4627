/**
 * A second app instance for tests/oidc/two-instances.test.ts: the provider and sign-in pages on
 * OIDC_INSTANCE_PORT, on the PostgreSQL database of DATABASE_URL (the same one as the test's).
 */
import http from "node:http";
import { oidcRequestListener } from "@/lib/oidc/http";

const port = Number(process.env.OIDC_INSTANCE_PORT);
const server = http.createServer(
  oidcRequestListener((_req, res) => {
    res.statusCode = 404;
    res.end("not found");
  }),
);
server.listen(port, "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
