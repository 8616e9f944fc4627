import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestInfoFrom } from "@/lib/auth/request-info";
import { pinClientAddress } from "@/lib/http/client-address";

/*
 * A real HTTP server on 127.0.0.1 that does what scripts/server.ts does before handing a request to
 * Next.js, and answers with the address the rest of the console reads (throttling, audit, events).
 */
let trustedHops = 0;
const server = http.createServer((request, response) => {
  pinClientAddress(request, trustedHops);
  const headers = { get: (name: string) => (request.headers[name] as string | undefined) ?? null };
  response.end(JSON.stringify({ ipAddress: requestInfoFrom(headers).ipAddress, realIp: request.headers["x-real-ip"] ?? null }));
});

beforeAll(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function addressSeen(hops: number, headers: Record<string, string>): Promise<{ ipAddress: string; realIp: string | null }> {
  trustedHops = hops;
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/`, { headers });
  return response.json();
}

describe("the client's address", () => {
  it("is the socket's peer without trusted proxies, whatever X-Forwarded-For and X-Real-IP claim", async () => {
    expect(await addressSeen(0, { "x-forwarded-for": "203.0.113.9", "x-real-ip": "198.51.100.1" })).toEqual({ ipAddress: "127.0.0.1", realIp: null });
  });

  it("behind one proxy is the entry that proxy appended, not the client's forged first entry", async () => {
    expect(await addressSeen(1, { "x-forwarded-for": "203.0.113.9, 198.51.100.4" })).toEqual({ ipAddress: "198.51.100.4", realIp: null });
  });

  it("behind two proxies is the entry the outer one appended", async () => {
    expect(await addressSeen(2, { "x-forwarded-for": "192.0.2.1, 203.0.113.9, 10.0.0.2" })).toMatchObject({ ipAddress: "203.0.113.9" });
  });

  it("is the first entry when there are fewer entries than trusted proxies", async () => {
    expect(await addressSeen(2, { "x-forwarded-for": "198.51.100.4" })).toMatchObject({ ipAddress: "198.51.100.4" });
  });

  it("is the socket's peer behind a trusted proxy that sent no X-Forwarded-For", async () => {
    expect(await addressSeen(1, {})).toMatchObject({ ipAddress: "127.0.0.1" });
  });
});
