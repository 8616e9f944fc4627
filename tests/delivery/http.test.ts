import { afterEach, describe, expect, it } from "vitest";
import { postOutbound } from "@/lib/delivery/http";
import { outcomeFromHttp } from "@/lib/delivery/outcome";
import { Allowlist, type HostResolver } from "@/lib/delivery/ssrf";
import { startReceiver, type Receiver } from "./support/receiver";

const ONE_MEGABYTE = 1024 * 1024;
let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function answerWithBody(status: number, bodyBytes: number) {
  receiver = await startReceiver(() => ({ status, body: "a".repeat(4000) + "b".repeat(bodyBytes - 4000) }));
  return postOutbound({
    url: `${receiver.url}/hook`,
    headers: { "content-type": "application/json" },
    body: "{}",
    connectTimeoutMs: 2_000,
    readTimeoutMs: 10_000,
    allowlist: new Allowlist(["127.0.0.1"]),
  });
}

describe("outbound responses with large bodies", () => {
  it.each([
    ["exactly 1 MB", ONE_MEGABYTE],
    ["1 MB and one byte", ONE_MEGABYTE + 1],
    ["3 MB", 3 * ONE_MEGABYTE],
  ])("a 200 with a body of %s is a success, and the first 4 KB are kept", async (_label, bodyBytes) => {
    const result = await answerWithBody(200, bodyBytes);
    expect(result.error).toBeNull();
    expect(result.errorKind).toBeNull();
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe("a".repeat(4000) + "b".repeat(96));
    const outcome = outcomeFromHttp(result);
    expect(outcome).toMatchObject({ succeeded: true, retryable: false, statusCode: 200, error: null });
  });

  it("a 503 with a body over 1 MB is retried as a 503, not as a network failure", async () => {
    const result = await answerWithBody(503, ONE_MEGABYTE + 1);
    expect(result.statusCode).toBe(503);
    expect(result.error).toBeNull();
    expect(outcomeFromHttp(result)).toMatchObject({
      succeeded: false,
      retryable: true,
      error: "The receiver answered 503; the delivery will be retried.",
    });
  });
});

describe("the connection goes to the address that was checked", () => {
  it("resolves the name once: a second answer (DNS rebinding) is never asked for nor used", async () => {
    receiver = await startReceiver(() => ({ status: 200, body: "pinned" }));
    const asked: string[] = [];
    // The first answer is checked and allowlisted; any later one points where nothing listens and
    // what the allowlist does not cover.
    const rebinding: HostResolver = async (hostname) => {
      asked.push(hostname);
      return [{ address: asked.length === 1 ? "127.0.0.1" : "127.0.0.2", family: 4 }];
    };
    const result = await postOutbound({
      url: `http://rebind.test:${receiver.port}/hook`,
      headers: {},
      body: "{}",
      connectTimeoutMs: 2_000,
      readTimeoutMs: 5_000,
      allowlist: new Allowlist(["127.0.0.1"]),
      resolve: rebinding,
    });
    expect(result).toMatchObject({ statusCode: 200, body: "pinned", error: null });
    expect(asked).toEqual(["rebind.test"]);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].headers.host).toBe(`rebind.test:${receiver.port}`);
  });

  it("refuses before connecting when one of the answers is private", async () => {
    receiver = await startReceiver();
    const mixed: HostResolver = async () => [
      { address: "127.0.0.1", family: 4 },
      { address: "127.0.0.2", family: 4 },
    ];
    const result = await postOutbound({
      url: `http://mixed.test:${receiver.port}/hook`,
      headers: {},
      body: "{}",
      connectTimeoutMs: 2_000,
      readTimeoutMs: 5_000,
      allowlist: new Allowlist(["127.0.0.1"]),
      resolve: mixed,
    });
    expect(result).toMatchObject({ statusCode: null, errorKind: "refused" });
    expect(result.error).toMatch(/^Refused to connect to mixed\.test \(127\.0\.0\.2\): it is a loopback address\./);
    expect(receiver.requests).toHaveLength(0);
  });
});
