type HeaderSource = { get(name: string): string | null };

/**
 * The X-Forwarded-Host value to believe, or null: the entry written by the outermost of the
 * `trustedHops` proxies in front of the console (each appends its own, or overwrites the header).
 * Without trusted proxies the header is never believed: a client could otherwise name any host,
 * and Next.js compares a server action's Origin with X-Forwarded-Host before Host.
 */
export function trustedForwardedHost(headers: HeaderSource, trustedHops: number): string | null {
  if (trustedHops <= 0) return null;
  const entries = (headers.get("x-forwarded-host") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  return entries[Math.max(entries.length - trustedHops, 0)];
}

/**
 * Why a server action must be refused as cross-site, or null: its Origin names another host than
 * the one the console is reached at (X-Forwarded-Host from a trusted proxy, otherwise Host). Next.js
 * makes the same check but answers it with a 500; a request without Origin is left to Next.js.
 */
export function crossSiteActionProblem(headers: HeaderSource, trustedHops: number): string | null {
  const origin = headers.get("origin");
  if (origin === null) return null;
  let originHost: string;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    originHost = origin;
  }
  const host = trustedForwardedHost(headers, trustedHops) ?? headers.get("host");
  if (host !== null && originHost === host.toLowerCase()) return null;
  return `Refused a form sent from another site (${originHost.slice(0, 100)}). Open the console at its own address and try again.`;
}
