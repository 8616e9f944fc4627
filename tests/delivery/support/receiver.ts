import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface Reply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow receiver). */
  delayMs?: number;
}

/** Decides the answer to the n-th request (1-based) this receiver gets. */
export type Responder = (request: ReceivedRequest, n: number) => Reply | Promise<Reply>;

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  respond(responder: Responder): void;
  /** Resolves once `count` requests arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 and a random port, answering 200 unless told otherwise. */
export async function startReceiver(responder: Responder = () => ({ status: 200, body: "ok" })): Promise<Receiver> {
  let current = responder;
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const received: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      requests.push(received);
      for (const waiter of waiters) waiter();
      const reply = await current(received, requests.length);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status ?? 200, { "content-type": "text/plain", ...reply.headers });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respond(next) {
      current = next;
    },
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(requests);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Expected ${count} requests within ${timeoutMs} ms, got ${requests.length}.`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until the check passes (returns a truthy value) or the time is up. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, label = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${label}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The positive marker before asserting that nothing was sent: resolves once every event about `userId`
 * (at least one) has been fanned out by the worker (`dispatched_at` set), so its deliveries, if any, exist.
 */
export async function eventsDispatchedFor(
  prisma: { event: { findMany(args: object): Promise<{ dispatchedAt: Date | null }[]> } },
  userId: string,
  timeoutMs = 10_000,
): Promise<void> {
  await eventually(
    async () => {
      const events = await prisma.event.findMany({ where: { payload: { path: ["event", "user", "id"], equals: userId } } });
      return events.length > 0 && events.every((event) => event.dispatchedAt !== null);
    },
    timeoutMs,
    `the events of user ${userId} to be dispatched`,
  );
}
