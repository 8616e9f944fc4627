/**
 * Issue 10, "Speed": sign-ins through the OpenID Connect provider (authorize → sign-in form post →
 * token exchange, an openid-client relying party) at concurrency 8 against a baseline of argon2id
 * verification plus one SELECT in the same run, and the token endpoint with a refresh token (p99 at
 * concurrency 8). The provider and sign-in pages are served over HTTP in this process, as the custom
 * server mounts them, on the PostgreSQL server at BENCH_DATABASE_URL (database delegate_bench_oidc).
 *
 *   flock /tmp/bench.lock node --import tsx bench/oidc.bench.ts      (or: npm run bench -- oidc)
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import * as client from "openid-client";
import { createApplication } from "@/lib/applications/applications";
import { loadActor } from "@/lib/auth/actor";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { resetConfigForTests } from "@/lib/config";
import { oidcRequestListener } from "@/lib/oidc/http";
import { forgetOidcProvider } from "@/lib/oidc/provider-state";
import { createApplicationSchema } from "@/lib/schemas/application";
import { DEMO_ADMINS, seedDemoData } from "@/lib/seed/demo-data";
import { openFreshBenchDatabase, serverVersion } from "./lib/db";
import { ms, perSecond, ratio, table, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { percentile, rate } from "./lib/stats";
import { runConcurrently } from "./lib/timing";

const CONCURRENCY = 8;
const SIGN_INS = Number(process.env.BENCH_OIDC_SIGN_INS ?? 64);
const REFRESHES = Number(process.env.BENCH_OIDC_REFRESHES ?? 400);
const PASSWORD = "Bench-password-1!";
const CALLBACK = "http://localhost:4999/callback";

/** The cookies of one browser, enough for the sign-in pages. */
function cookieJar() {
  const cookies = new Map<string, string>();
  return async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
    return response;
  };
}

/** One full sign-in: authorize, the sign-in page, its form post, the redirects back, the token exchange. */
async function signIn(config: client.Configuration, issuer: string, email: string): Promise<client.TokenEndpointResponse> {
  const browse = cookieJar();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: "openid profile email",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
  });
  const toPage = await browse(url.toString());
  const pageUrl = new URL(toPage.headers.get("location")!, issuer).toString();
  const page = await browse(pageUrl);
  const action = /<form[^>]*action="([^"]+)"/.exec(await page.text())![1];
  let response = await browse(new URL(action, issuer).toString(), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login: email, password: PASSWORD }).toString(),
  });
  let location = new URL(response.headers.get("location")!, issuer).toString();
  while (location.startsWith(issuer)) {
    response = await browse(location);
    location = new URL(response.headers.get("location")!, issuer).toString();
  }
  return client.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, expectedState: state });
}

export async function benchOidc(): Promise<{ name: string; lines: string[] }> {
  const port = Number(process.env.BENCH_OIDC_PORT ?? 3369);
  const issuer = `http://127.0.0.1:${port}`;
  process.env.DELEGATE_PUBLIC_URL = issuer;
  process.env.NEXTAUTH_SECRET ??= "bench-oidc-secret-0123456789abcdef0123456789";
  resetConfigForTests();
  forgetOidcProvider();
  const bench = await openFreshBenchDatabase({ database: "delegate_bench_oidc", poolSize: 12 });
  const server = http.createServer(oidcRequestListener((_req, res) => res.writeHead(404).end()));
  try {
    await seedDemoData(bench.db.prisma, { users: 0, hooks: false });
    const ianRow = await bench.db.prisma.user.findFirstOrThrow({ where: { email: DEMO_ADMINS.find((a) => a.email.startsWith("ian"))!.email } });
    const ian = await loadActor(ianRow.id, "console", { ipAddress: "127.0.0.1", userAgent: "bench" });
    const app = await createApplication(ian, createApplicationSchema.parse({ name: "Bench", app_type: "regular_web", callbacks: [CALLBACK] }));
    const connection = await bench.db.prisma.connection.findFirstOrThrow();
    const hash = await hashPassword(PASSWORD);
    const emails = Array.from({ length: CONCURRENCY }, (_, i) => `bench.signin${i}@example.com`);
    await bench.db.prisma.user.createMany({ data: emails.map((email) => ({ email, connectionId: connection.id, passwordHash: hash })) });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const config = await client.discovery(new URL(issuer), app.client_id, app.client_secret, client.ClientSecretBasic(app.client_secret!), {
      execute: [client.allowInsecureRequests],
    });

    const lines = [`PostgreSQL ${await serverVersion(bench.pool)}; ${loadLine("before")}`];
    // Warm-up: the provider, the keys, prepared statements.
    await signIn(config, issuer, emails[0]);

    // Sign-ins and the baseline, alternating rounds so that a noisy neighbour slows both alike.
    let signInMs = 0;
    let baselineMs = 0;
    const tokens: client.TokenEndpointResponse[] = [];
    for (let round = 0; round < 2; round++) {
      signInMs += await runConcurrently(SIGN_INS / 2, CONCURRENCY, async (i) => {
        tokens.push(await signIn(config, issuer, emails[i % CONCURRENCY]));
      });
      baselineMs += await runConcurrently(SIGN_INS / 2, CONCURRENCY, async (i) => {
        const { rows } = await bench.pool.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = $1", [emails[i % CONCURRENCY]]);
        if (!(await verifyPassword(rows[0].password_hash, PASSWORD))) throw new Error("baseline: wrong hash");
      });
    }
    const signInRate = rate(SIGN_INS, signInMs);
    const baselineRate = rate(SIGN_INS, baselineMs);

    // Refresh: 8 clients at once, each rotating its own refresh token one exchange after the other
    // (a refresh token is used once: two exchanges of one token would revoke its grant).
    const latencies: number[] = [];
    const refreshStart = performance.now();
    await Promise.all(
      tokens.slice(0, CONCURRENCY).map(async ({ refresh_token }) => {
        let token = refresh_token!;
        for (let n = 0; n < REFRESHES / CONCURRENCY; n++) {
          const start = performance.now();
          token = (await client.refreshTokenGrant(config, token)).refresh_token!;
          latencies.push(performance.now() - start);
        }
      }),
    );
    const refreshMs = performance.now() - refreshStart;
    const p99 = percentile(latencies, 99);
    const signInOk = signInRate >= 0.6 * baselineRate;
    lines.push(
      ...table(
        ["measure", "value", "verdict"],
        [
          [`sign-ins (authorize → form post → token), concurrency ${CONCURRENCY}, n=${SIGN_INS}`, perSecond(signInRate, "sign-ins"), ""],
          [`baseline: argon2id verify + one SELECT, concurrency ${CONCURRENCY}, n=${SIGN_INS}`, perSecond(baselineRate, "verifications"), ""],
          ["sign-ins / baseline", ratio(signInRate / baselineRate), verdict(signInOk, "≥ 0.60×")],
          [`refresh-token exchange, concurrency ${CONCURRENCY}, n=${REFRESHES}: p50 / p99`, `${ms(percentile(latencies, 50))} / ${ms(p99)}`, verdict(p99 <= 20, "p99 ≤ 20 ms")],
          ["refresh-token exchanges per second", perSecond(rate(REFRESHES, refreshMs), "exchanges"), ""],
        ],
      ),
      loadLine("after"),
    );
    return { name: "OpenID Connect provider (bench/oidc.bench.ts, issue 10)", lines };
  } finally {
    server.closeAllConnections();
    server.close();
    await bench.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchOidc();
  console.log(`# ${result.name}`);
  for (const line of result.lines) console.log(line);
}
