import type { RequestInfo } from "./actor";

type HeaderSource = { get(name: string): string | null };

/**
 * The client's address and agent. The console's server (scripts/server.ts) replaces X-Forwarded-For
 * with the one address it determined from the socket and DELEGATE_TRUSTED_PROXY_HOPS
 * (lib/http/client-address.ts), so the header holds no value a client wrote.
 */
export function requestInfoFrom(headers: HeaderSource): RequestInfo {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ipAddress: forwarded || "127.0.0.1",
    userAgent: headers.get("user-agent") ?? undefined,
  };
}
