/**
 * Issue 4, "Speed": delivery throughput to a local keep-alive receiver with 1, 4 and 16 endpoints
 * against a baseline of plain signed POSTs to the same receiver in the same run, and commit-to-delivery
 * latency at a steady 100 registrations/s. PostgreSQL server at BENCH_DATABASE_URL's server, database
 * delegate_bench_delivery (created when missing). BENCH_QUICK=1 shortens the latency run to 5 s.
 *
 *   node --import tsx bench/delivery.bench.ts      (or: npm run bench -- delivery)
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { hashPassword } from "@/lib/auth/password";
import { DEFAULT_DELIVERY_CONCURRENCY, startDeliveryWorker } from "@/lib/delivery/worker";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import { userEvents } from "@/lib/events/envelope";
import { REGISTRATION_EVENT } from "@/lib/events/types";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getTenant } from "@/lib/tenant/tenant";
import { userSelect, type UserProfile } from "@/lib/users/profile";
import { generateWebhookSecret, signatureHeaders } from "@/lib/webhooks/signature";
import { openFreshBenchDatabase, serverVersion, type BenchDatabase } from "./lib/db";
import { ms, perSecond, ratio, table, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { percentile, rate } from "./lib/stats";
import { runConcurrently } from "./lib/timing";

const QUICK = process.env.BENCH_QUICK === "1";
const DELIVERIES = QUICK ? 2000 : 4800;
const ENDPOINT_COUNTS = [1, 4, 16];
/** The worker's default (DELEGATE_DELIVERY_CONCURRENCY); the concurrent baseline uses as many loops. */
const CONCURRENCY = Number(process.env.BENCH_DELIVERY_CONCURRENCY || DEFAULT_DELIVERY_CONCURRENCY);
const ROUNDS = QUICK ? 2 : 3;
const LATENCY_RATE = 100;
const LATENCY_SECONDS = QUICK ? 5 : 30;
const SETTINGS = { outboundAllowlist: ["127.0.0.1"], retryScheduleMs: [0, 1000, 1000], disableAfterMs: 86_400_000 };

interface Receiver {
  url: string;
  count: number;
  arrivals: Map<string, number>;
  waitFor(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The receiver: answers 200 at once on a keep-alive connection, noting when each webhook-id arrived. */
async function startReceiver(): Promise<Receiver> {
  const receiver = { count: 0, arrivals: new Map<string, number>() } as Receiver;
  let waiter: (() => void) | null = null;
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on("end", () => {
      receiver.count += 1;
      const id = req.headers["webhook-id"];
      if (typeof id === "string" && !receiver.arrivals.has(id)) receiver.arrivals.set(id, Date.now());
      res.end("ok");
      waiter?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.waitFor = (count, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${receiver.count} of ${count} requests arrived in ${timeoutMs} ms`)), timeoutMs);
      waiter = () => {
        if (receiver.count < count) return;
        clearTimeout(timer);
        waiter = null;
        resolve();
      };
      waiter();
    });
  receiver.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

const fakeProfile = (i: number, connectionId: string): UserProfile => ({
  user_id: crypto.randomUUID(),
  email: `bench${i}@example.com`,
  email_verified: true,
  username: null,
  name: `Bench User ${i}`,
  given_name: "Bench",
  family_name: `User ${i}`,
  phone_number: null,
  phone_verified: false,
  user_metadata: { company: "Bench Inc.", country: "US" },
  app_metadata: { memberships: ["IT"] },
  blocked: false,
  connection: "Username-Password-Authentication",
  connection_id: connectionId,
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
  last_login: null,
  logins_count: 0,
});

/** DELETE rather than TRUNCATE: the planner keeps the statistics of a busy table, as in a running system. */
async function resetDelivery(bench: BenchDatabase) {
  await bench.pool.query("DELETE FROM events; DELETE FROM webhook_endpoints");
}

async function addEndpoints(bench: BenchDatabase, url: string, count: number) {
  await bench.db.prisma.webhookEndpoint.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      url: `${url}?endpoint=${i}`,
      eventTypes: [REGISTRATION_EVENT],
      secret: generateWebhookSecret(),
    })),
  });
}

/** Registration events written straight into the outbox (the realistic envelope, without creating users). */
async function enqueueRegistrations(bench: BenchDatabase, count: number, connectionId: string) {
  const tenant = await getTenant();
  const source = { channel: "api", ipAddress: "203.0.113.7", userAgent: "bench" };
  const rows: Prisma.EventCreateManyInput[] = [];
  for (let i = 0; i < count; i++) {
    const [registration] = userEvents({ kind: "create", user: fakeProfile(i, connectionId) }, tenant, source);
    rows.push({ id: registration.event.id, type: REGISTRATION_EVENT, payload: registration as unknown as Prisma.InputJsonObject });
  }
  for (let i = 0; i < rows.length; i += 1000) await bench.db.prisma.event.createMany({ data: rows.slice(i, i + 1000) });
  return rows;
}

/** Deliveries per second through the engine: fan-out, claim, signed POST, attempt log, completion. */
async function engineThroughput(bench: BenchDatabase, receiver: Receiver, endpoints: number, connectionId: string) {
  await resetDelivery(bench);
  await addEndpoints(bench, receiver.url, endpoints);
  await enqueueRegistrations(bench, DELIVERIES / endpoints, connectionId);
  const before = receiver.count;
  const start = performance.now();
  const worker = startDeliveryWorker({ prisma: bench.db.prisma, databaseUrl: bench.url, concurrency: CONCURRENCY, pollIntervalMs: 50, settings: SETTINGS });
  await receiver.waitFor(before + DELIVERIES, 120_000);
  for (;;) {
    const { rows } = await bench.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status = 'succeeded'");
    if (rows[0].n >= DELIVERIES) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const elapsed = performance.now() - start;
  await worker.stop();
  await bench.pool.query("ANALYZE events, deliveries, delivery_attempts");
  return rate(DELIVERIES, elapsed);
}

/** The baseline: the same number of signed POSTs of the same bodies, with no database at all. */
async function baselineThroughput(receiver: Receiver, bodies: string[], concurrency: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const secret = generateWebhookSecret();
  const target = new URL(receiver.url);
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = bodies[i % bodies.length];
      const req = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...signatureHeaders([secret], crypto.randomUUID(), body) },
        },
        (res) => {
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const elapsed = await runConcurrently(DELIVERIES, concurrency, post);
  agent.destroy();
  return rate(DELIVERIES, elapsed);
}

/** Registrations committed at a steady rate; latency from each commit to its arrival at the receiver. */
async function commitToDelivery(bench: BenchDatabase, receiver: Receiver, connectionId: string) {
  await resetDelivery(bench);
  await addEndpoints(bench, receiver.url, 1);
  const worker = startDeliveryWorker({ prisma: bench.db.prisma, databaseUrl: bench.url, concurrency: CONCURRENCY, settings: SETTINGS });
  const passwordHash = await hashPassword("Bench-password-1!");
  const tenant = await getTenant();
  const actor = { channel: "api", ipAddress: "203.0.113.7", userAgent: "bench" };
  const committedAt = new Map<string, number>();
  const total = LATENCY_RATE * LATENCY_SECONDS;
  // The first second warms up connections, prepared statements and the JIT; it is not measured.
  const warmup = LATENCY_RATE;
  const interval = 1000 / LATENCY_RATE;
  const start = Date.now();
  const pending: Promise<void>[] = [];
  let lateStarts = 0;
  for (let i = 0; i < warmup + total; i++) {
    const due = start + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else if (wait < -interval && i >= warmup) lateStarts += 1;
    pending.push(
      bench.db.prisma
        .$transaction(async (tx) => {
          const user = await tx.user.create({
            data: { connectionId, email: `latency${i}-${start}@example.com`, passwordHash, name: `Latency ${i}` },
            select: userSelect,
          });
          const [registration] = await enqueueUserEvents(tx, actor, { kind: "create", user }, tenant);
          return registration.event.id;
        })
        .then((id) => {
          if (i >= warmup) committedAt.set(id, Date.now());
        }),
    );
  }
  await Promise.all(pending);
  const sendSeconds = (Date.now() - start) / 1000 - warmup / LATENCY_RATE;
  const deadline = Date.now() + 30_000;
  while ([...committedAt.keys()].some((id) => !receiver.arrivals.has(id)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await worker.stop();
  const latencies = [...committedAt].flatMap(([id, at]) => (receiver.arrivals.has(id) ? [receiver.arrivals.get(id)! - at] : []));
  return { total, delivered: latencies.length, sendSeconds, lateStarts, latencies };
}

export async function benchDelivery(): Promise<{ name: string; lines: string[] }> {
  const bench = await openFreshBenchDatabase({ database: "delegate_bench_delivery", poolSize: 10 });
  const receiver = await startReceiver();
  const lines: string[] = [];
  try {
    const tenant = await getTenant();
    const connection = await bench.db.prisma.connection.create({ data: { id: "con_bench", name: "Username-Password-Authentication" } });
    lines.push(`PostgreSQL ${await serverVersion(bench.pool)}; worker concurrency ${CONCURRENCY}; ${DELIVERIES} deliveries per run; tenant ${tenant.id}`);

    const bodies = (await enqueueRegistrations(bench, 100, connection.id)).map((row) => JSON.stringify(row.payload));
    // One unmeasured run of each contender first: the worker's code path (pg, the HTTP client and
    // server, the engine) is far longer than the baseline loop's and takes a few thousand deliveries
    // to be optimized by the JIT, which otherwise lands on the first endpoint count's rounds.
    await baselineThroughput(receiver, bodies, 1);
    await baselineThroughput(receiver, bodies, CONCURRENCY);
    await engineThroughput(bench, receiver, 1, connection.id);
    // Rounds alternate which contender goes first, so that a noisy neighbour slows both alike; medians are reported.
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const rows: string[][] = [];
    let worst = Infinity;
    for (const endpoints of ENDPOINT_COUNTS) {
      const runs = { engine: [] as number[], sequential: [] as number[], concurrent: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const contenders: [keyof typeof runs, () => Promise<number>][] = [
          ["sequential", () => baselineThroughput(receiver, bodies, 1)],
          ["concurrent", () => baselineThroughput(receiver, bodies, CONCURRENCY)],
          ["engine", () => engineThroughput(bench, receiver, endpoints, connection.id)],
        ];
        for (const [name, run] of round % 2 === 0 ? contenders : contenders.reverse()) runs[name].push(await run());
      }
      const engine = median(runs.engine);
      const sequential = median(runs.sequential);
      const concurrent = median(runs.concurrent);
      worst = Math.min(worst, engine / sequential);
      rows.push([
        String(endpoints),
        perSecond(engine, "deliveries"),
        perSecond(sequential, "POSTs"),
        ratio(engine / sequential),
        perSecond(concurrent, "POSTs"),
        ratio(engine / concurrent),
      ]);
    }
    lines.push("", `Throughput (delivered and recorded as succeeded), median of ${ROUNDS} alternating rounds after one warm-up run of each:`);
    lines.push(
      ...table(["endpoints", "engine", "baseline: POST loop", "ratio", `baseline: ${CONCURRENCY} POST loops`, "ratio"], rows),
    );
    lines.push(verdict(worst >= 0.5, "≥ 0.5× the baseline loop of plain signed POSTs"));

    const latency = await commitToDelivery(bench, receiver, connection.id);
    const p50 = percentile(latency.latencies, 50);
    const p99 = percentile(latency.latencies, 99);
    lines.push(
      "",
      `Commit-to-delivery latency: ${latency.total} registrations at ${LATENCY_RATE}/s for ${LATENCY_SECONDS} s after 1 s of warm-up ` +
        `(sent in ${latency.sendSeconds.toFixed(1)} s, ${latency.lateStarts} late starts), ${latency.delivered} delivered:`,
      `p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(Math.max(...latency.latencies))}`,
      verdict(p99 <= 250 && latency.delivered === latency.total, "p99 ≤ 250 ms, every registration delivered"),
      loadLine("at end"),
    );
    return { name: "Delivery: throughput against plain signed POSTs, commit-to-delivery latency", lines };
  } finally {
    await receiver.close();
    await bench.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchDelivery();
  console.log(`# ${result.name}`);
  for (const line of result.lines) console.log(line);
}
