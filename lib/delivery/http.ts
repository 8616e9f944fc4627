import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { Allowlist, OutboundRefusedError, resolveOutboundTarget, type HostResolver, type ResolvedTarget } from "./ssrf";

/** How much of a response body is kept for the attempt log. */
export const RESPONSE_BODY_LIMIT = 4096;
/**
 * A longer response is cut off (and its connection closed) rather than read to the end; its status
 * still counts (a 2xx with a large body is a success), and the first RESPONSE_BODY_LIMIT bytes are kept.
 */
const DRAIN_LIMIT = 1024 * 1024;

export interface OutboundRequest {
  url: string;
  /** Default POST. */
  method?: string;
  headers: Record<string, string>;
  body: string;
  /** How much of the response body to keep; default RESPONSE_BODY_LIMIT (4 KB). */
  bodyLimit?: number;
  connectTimeoutMs: number;
  /** From the connection being ready until the whole response has been read. */
  readTimeoutMs: number;
  allowlist: Allowlist;
  /** How the host name is resolved (once); default the system's resolver. */
  resolve?: HostResolver;
}

export type OutboundErrorKind = "refused" | "timeout" | "network";

export interface OutboundResult {
  statusCode: number | null;
  /** The first 4 KB of the response body (UTF-8). */
  body: string;
  headers: http.IncomingHttpHeaders;
  durationMs: number;
  error: string | null;
  errorKind: OutboundErrorKind | null;
}

// Keep-alive connections are reused across deliveries; redirects are never followed (node:http does not).
// As many idle connections are kept as may be busy: with fewer, every burst of a worker's concurrent
// requests to one receiver closed the extra connections and opened them again on the next burst.
const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: "lifo" as const, timeout: 60_000 };
const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

/** Makes the socket connect to the address that was checked, whatever DNS answers now. */
function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as LookupFunction;
}

class TimeoutError extends Error {}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: "The connection was refused",
  ECONNRESET: "The connection was reset by the receiver",
  EHOSTUNREACH: "The host is unreachable",
  ENETUNREACH: "The network is unreachable",
  ENOTFOUND: "The host name could not be resolved",
  EAI_AGAIN: "The host name could not be resolved (temporary DNS failure)",
  EPIPE: "The receiver closed the connection",
  UND_ERR_SOCKET: "The connection failed",
};

function describeError(error: Error & { code?: string }, url: URL): string {
  if (error instanceof OutboundRefusedError) return error.message;
  const known = error.code ? NETWORK_MESSAGES[error.code] : undefined;
  if (known) return `${known} (${url.host}, ${error.code}).`;
  if (error.code?.startsWith("ERR_TLS") || error.code?.includes("CERT")) return `TLS failed for ${url.host}: ${error.message}`;
  return error.message || "The request failed.";
}

/** One request (POST unless said), with the SSRF guard, both timeouts, no redirects, and the first 4 KB of the answer. */
export async function postOutbound(request: OutboundRequest): Promise<OutboundResult> {
  const bodyLimit = request.bodyLimit ?? RESPONSE_BODY_LIMIT;
  const started = performance.now();
  const url = new URL(request.url);
  const finish = (
    statusCode: number | null,
    headers: http.IncomingHttpHeaders,
    body: string,
    error: string | null,
    errorKind: OutboundErrorKind | null,
  ): OutboundResult => ({
    statusCode,
    body,
    headers,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    error,
    errorKind,
  });

  let target: ResolvedTarget;
  try {
    target = await resolveOutboundTarget(url, request.allowlist, request.resolve);
  } catch (error) {
    const refused = error instanceof OutboundRefusedError;
    return finish(null, {}, "", (error as Error).message, refused ? "refused" : "network");
  }

  const isHttps = url.protocol === "https:";
  return new Promise<OutboundResult>((resolve) => {
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let readTimer: NodeJS.Timeout | undefined;
    const chunks: Buffer[] = [];
    let kept = 0;
    let received = 0;
    let statusCode: number | null = null;
    let headers: http.IncomingHttpHeaders = {};

    /** Without an error: the response as read. With one: what was read of it, if anything. */
    const settle = (error: string | null = null, errorKind: OutboundErrorKind | null = null) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(readTimer);
      const body = chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
      resolve(finish(statusCode, headers, body, error, errorKind));
    };
    const timeOut = (message: string) => {
      settle(message, "timeout");
      req.destroy(new TimeoutError(message));
    };
    const startReadTimer = () => {
      clearTimeout(connectTimer);
      readTimer ??= setTimeout(
        () => timeOut(`No complete response within the read timeout of ${request.readTimeoutMs} ms.`),
        request.readTimeoutMs,
      );
    };

    const req = (isHttps ? https : http).request({
      protocol: url.protocol,
      hostname: target.hostname,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: request.method ?? "POST",
      headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
      agent: isHttps ? agents.https : agents.http,
      lookup: pinnedLookup(target),
      servername: isHttps && target.hostname !== target.address ? target.hostname : undefined,
    });

    req.on("socket", (socket) => {
      if (!socket.connecting) return startReadTimer();
      connectTimer = setTimeout(
        () => timeOut(`Could not connect to ${url.host} within the connect timeout of ${request.connectTimeoutMs} ms.`),
        request.connectTimeoutMs,
      );
      socket.once(isHttps ? "secureConnect" : "connect", startReadTimer);
    });
    req.on("response", (response) => {
      statusCode = response.statusCode ?? null;
      headers = response.headers;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (kept < bodyLimit) {
          const slice = chunk.subarray(0, bodyLimit - kept);
          chunks.push(slice);
          kept += slice.length;
        }
        if (received > DRAIN_LIMIT) {
          // The answer is settled before the connection is torn down: destroying the response emits
          // "aborted" at once, which must not turn a complete status line into a network failure.
          settle();
          response.destroy();
        }
      });
      response.on("end", () => settle());
      response.on("error", (error) => settle(describeError(error, url), "network"));
      response.on("aborted", () => settle("The receiver closed the connection before the response was complete.", "network"));
    });
    req.on("error", (error: Error & { code?: string }) => {
      statusCode = null;
      settle(describeError(error, url), "network");
    });
    // A string body goes out in the same write as the headers (a Buffer would be a second one).
    req.end(request.body);
  });
}
