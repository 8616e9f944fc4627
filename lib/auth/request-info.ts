import type { RequestInfo } from "./actor";

type HeaderSource = { get(name: string): string | null };

/** The client's address and agent. X-Forwarded-For is trusted: run behind a proxy that sets it. */
export function requestInfoFrom(headers: HeaderSource): RequestInfo {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ipAddress: forwarded || headers.get("x-real-ip") || "127.0.0.1",
    userAgent: headers.get("user-agent") ?? undefined,
  };
}
