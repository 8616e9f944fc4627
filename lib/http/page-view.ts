import { headers } from "next/headers";

/**
 * The id of the page view being rendered: the nonce the proxy put in this request's Content-Security-Policy
 * (fresh for every document and Flight request, and always written by the proxy, so a client cannot choose it).
 */
export async function pageViewId(): Promise<string | null> {
  return (await headers()).get("content-security-policy")?.match(/'nonce-([^']+)'/)?.[1] ?? null;
}
