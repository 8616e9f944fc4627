import http from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got, as it arrived. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** Lower-cased names, as Node gives them. */
  headers: Record<string, string>;
  body: string;
  /** What the receiver answered. */
  answeredStatus: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 (a random port) for the browser tests: it records every request
 * and answers with the status and body set by `respondWith` (200 `{"received":true}` at first).
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private status = 200;
  private answer = '{"received":true}';
  private server: http.Server | null = null;

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
        );
        this.requests.push({
          method: request.method ?? "",
          path: request.url ?? "",
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
          answeredStatus: this.status,
        });
        response.writeHead(this.status, { "content-type": "application/json" });
        response.end(this.answer);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("The receiver is not started.");
    return `http://127.0.0.1:${address.port}`;
  }

  respondWith(status: number, body: string): void {
    this.status = status;
    this.answer = body;
  }

  /** The requests whose JSON body has `event.id` (webhooks), by that id. */
  withEventId(eventId: string): ReceivedRequest[] {
    return this.requests.filter((request) => eventOf(request)?.id === eventId);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface ReceivedEvent {
  id: string;
  type: string;
  user: { id: string; email: string };
}

/** The webhook body's `event`, or undefined when the body is not a webhook event. */
export function eventOf(request: ReceivedRequest): ReceivedEvent | undefined {
  try {
    return (JSON.parse(request.body) as { event?: ReceivedEvent }).event;
  } catch {
    return undefined;
  }
}
