import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGISTRATION_EVENT } from "@/lib/events/types";
import { useTestDatabase } from "../helpers/db";
import { eventually } from "./support/receiver";

/**
 * Worker processes against one PostgreSQL server (PGlite is single-process, so these are skipped there):
 * `node --import tsx scripts/worker.ts`, as `npm run worker` starts it.
 */
const url = process.env.TEST_DATABASE_URL;
const db = useTestDatabase();
const EVENTS = 1000;
const children = new Set<ChildProcess>();

interface Tracker {
  url: string;
  received: Map<string, number>;
  inFlight: Set<string>;
  /** A request arrived for an event id already being answered: one delivery sent twice at the same time. */
  overlaps: number;
  total: number;
  close(): Promise<void>;
}

/** A receiver that answers after a short delay and tracks, per webhook-id, arrivals and requests in flight. */
async function startTracker(delayMs: number): Promise<Tracker> {
  const tracker = { received: new Map<string, number>(), inFlight: new Set<string>(), overlaps: 0, total: 0 } as Tracker;
  const server = http.createServer((req, res) => {
    const id = String(req.headers["webhook-id"]);
    if (tracker.inFlight.has(id)) tracker.overlaps += 1;
    tracker.inFlight.add(id);
    req.resume();
    req.on("end", () => {
      setTimeout(() => {
        tracker.inFlight.delete(id);
        tracker.total += 1;
        tracker.received.set(id, (tracker.received.get(id) ?? 0) + 1);
        res.end("ok");
      }, delayMs);
    });
    req.on("close", () => tracker.inFlight.delete(id));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tracker.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  tracker.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return tracker;
}

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "worker.ts")], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      DATABASE_URL: url,
      DELEGATE_OUTBOUND_ALLOWLIST: "127.0.0.1",
      DELEGATE_DELIVERY_LEASE_MARGIN: "300ms",
      DELEGATE_DELIVERY_POLL_INTERVAL: "100ms",
      DELEGATE_DELIVERY_CONCURRENCY: "16",
      DELEGATE_DELIVERY_RETRY_SCHEDULE: "0,100ms,200ms,400ms,800ms,1s,1s,1s,1s,1s",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[worker ${child.pid}] ${chunk}`));
  child.stdout?.resume();
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode ? resolve(child.exitCode) : child.once("exit", resolve)));

/** Writes `count` registration events straight into the outbox and returns their ids. */
async function enqueueEvents(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => crypto.randomUUID());
  await db().prisma.event.createMany({
    data: ids.map((id, i) => ({
      id,
      type: REGISTRATION_EVENT,
      payload: { event: { id, type: REGISTRATION_EVENT, createInstant: Date.now(), user: { id: crypto.randomUUID(), email: `u${i}@example.com` } } },
    })),
  });
  return ids;
}

async function addEndpoint(target: string) {
  await db().prisma.webhookEndpoint.deleteMany({});
  await db().prisma.webhookEndpoint.create({
    data: {
      url: target,
      eventTypes: [REGISTRATION_EVENT],
      connectTimeoutMs: 1000,
      readTimeoutMs: 1000,
      secret: "whsec_" + crypto.randomBytes(32).toString("base64"),
    },
  });
}

describe.skipIf(!url)("worker processes on one PostgreSQL server", () => {
  beforeAll(() => {
    expect(url).toBeTruthy();
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
  });

  it(
    "survives kill -9 mid-delivery: after a restart every one of 1,000 events arrives",
    async () => {
      const tracker = await startTracker(15);
      try {
        await addEndpoint(tracker.url);
        const sent = await enqueueEvents(EVENTS);
        const first = startWorker();
        await eventually(async () => tracker.total >= 200 || null, 60_000, "the first worker to deliver 200 events");
        first.kill("SIGKILL");
        await exited(first);
        const deliveredBeforeRestart = tracker.received.size;
        expect(deliveredBeforeRestart).toBeLessThan(EVENTS);
        const inFlightAtKill = await db().prisma.delivery.count({ where: { status: "in_flight" } });

        const second = startWorker();
        await eventually(async () => tracker.received.size >= EVENTS || null, 90_000, "all 1,000 events after the restart");
        await eventually(
          async () => (await db().prisma.delivery.count({ where: { status: "succeeded" } })) === EVENTS || null,
          30_000,
          "every delivery to be recorded as succeeded",
        );
        expect([...tracker.received.keys()].sort()).toEqual([...sent].sort());
        // At least once: only deliveries in flight when the worker died may arrive twice.
        const duplicates = tracker.total - EVENTS;
        expect(duplicates).toBeLessThanOrEqual(Math.max(inFlightAtKill, 16));
        second.kill("SIGTERM");
        expect(await exited(second)).toBe(0);
      } finally {
        await tracker.close();
      }
    },
    180_000,
  );

  it(
    "shares the work between four worker processes without sending one delivery twice at the same time",
    async () => {
      const tracker = await startTracker(5);
      try {
        await db().prisma.event.deleteMany({});
        await addEndpoint(tracker.url);
        const workers = [startWorker(), startWorker(), startWorker(), startWorker()];
        const sent = await enqueueEvents(EVENTS);
        await eventually(async () => tracker.received.size >= EVENTS || null, 90_000, "all 1,000 events");
        await eventually(
          async () => (await db().prisma.delivery.count({ where: { status: "succeeded" } })) === EVENTS || null,
          30_000,
          "every delivery to be recorded as succeeded",
        );
        expect([...tracker.received.keys()].sort()).toEqual([...sent].sort());
        expect(tracker.overlaps).toBe(0);
        expect(tracker.total).toBe(EVENTS);
        const attempts = await db().prisma.deliveryAttempt.count();
        expect(attempts).toBe(EVENTS);
        for (const worker of workers) worker.kill("SIGTERM");
        expect(await Promise.all(workers.map(exited))).toEqual([0, 0, 0, 0]);
      } finally {
        await tracker.close();
      }
    },
    180_000,
  );
});
