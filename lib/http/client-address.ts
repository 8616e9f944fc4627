import type { IncomingMessage } from "node:http";

/**
 * The client's address: the socket's peer, or, behind `trustedHops` reverse proxies, the entry the
 * outermost of them appended to X-Forwarded-For (each trusted proxy appends the address it was
 * reached from). Entries to the left of it were written by the client and are never believed.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustedHops: number): string {
  const peer = socketAddress || "127.0.0.1";
  if (trustedHops <= 0) return peer;
  const entries = (forwardedFor ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return peer;
  return entries[Math.max(entries.length - trustedHops, 0)];
}

/**
 * Rewrites a request's X-Forwarded-For to the one address determined above and drops X-Real-IP, so
 * that everything behind the server (sign-in throttling, audit entries, events) reads an address no
 * client can forge (lib/auth/request-info.ts).
 */
export function pinClientAddress(request: IncomingMessage, trustedHops: number): void {
  const header = request.headers["x-forwarded-for"];
  const forwardedFor = Array.isArray(header) ? header.join(",") : header;
  request.headers["x-forwarded-for"] = clientAddress(request.socket.remoteAddress, forwardedFor, trustedHops);
  delete request.headers["x-real-ip"];
}
