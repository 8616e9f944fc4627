/**
 * The headers every console response carries. Scripts run only from the console's own origin or
 * with the request's nonce (Next.js puts the nonce it finds in the request's policy on its own
 * scripts); styles stay 'unsafe-inline' because Monaco injects its styles at run time, and come from
 * the console's origin or the origins of the signed-in admin's Settings stylesheets (`styleOrigins`).
 */
export function contentSecurityPolicy(nonce: string, options: { development: boolean; styleOrigins?: string[] }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${options.development ? " 'unsafe-eval'" : ""}`,
    ["style-src 'self' 'unsafe-inline'", ...(options.styleOrigins ?? [])].join(" "),
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    // Monaco's language services run in same-origin workers.
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh, unguessable nonce for one response. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64");
}

/** Two years, the preload list's requirement; sent only when the console is served over https. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** API answers hold users, tokens and logs: no cache (browser or shared) may keep them. */
export const API_CACHE_CONTROL = "no-store";
