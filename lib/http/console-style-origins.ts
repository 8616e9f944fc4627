import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { loadActor } from "@/lib/auth/actor";
import { requestInfoFrom } from "@/lib/auth/request-info";
import { getAuthSecret } from "@/lib/auth/secret";
import { getConfig } from "@/lib/config";
import { stylesheetOrigins } from "@/lib/hooks/console-settings";
import { consoleSettingsForPage } from "@/lib/hooks/page-settings";
import { loadActiveHook } from "@/lib/hooks/execute";

/**
 * The stylesheet origins the signed-in admin's Settings Query Hook names (`css`, `altcss`), for the
 * page's Content-Security-Policy; none without a session, for a session that no longer holds, or when
 * the hook fails (the console then uses its default settings). Only a page's document needs them: the
 * Flight requests of client navigations, prefetches and server actions, icons and other fetches never load a
 * stylesheet under their own policy.
 */
export async function consoleStyleOrigins(request: NextRequest, pageView: string): Promise<string[]> {
  if (!isDocumentRequest(request.headers)) return [];
  const secureCookie = getConfig().publicUrl.startsWith("https://");
  // next-auth's session cookie (split into .0, .1, … when large); without one there is no admin to ask for.
  const cookieName = secureCookie ? "__Secure-next-auth.session-token" : "next-auth.session-token";
  if (!request.cookies.getAll().some((cookie) => cookie.name.startsWith(cookieName))) return [];
  // Without a Settings Query Hook there is nothing to add: spare every page the session's decryption and read.
  if (!(await loadActiveHook("settings"))) return [];
  const token = await getToken({ req: request, secret: getAuthSecret(), secureCookie, cookieName }).catch(() => null);
  if (!token?.sub || typeof token.sessionGeneration !== "number") return [];
  try {
    const actor = await loadActor(token.sub, "console", requestInfoFrom(request.headers), undefined, token.sessionGeneration);
    return stylesheetOrigins(await consoleSettingsForPage(actor, pageView));
  } catch {
    return [];
  }
}

/**
 * A browser's request for a page document: `Sec-Fetch-Dest: document` (every current browser sends it; the
 * proxy does not see Next.js's own Flight headers), or, from a client without Fetch Metadata, one that accepts HTML.
 */
export function isDocumentRequest(headers: Headers): boolean {
  if (headers.has("rsc") || headers.has("next-action")) return false;
  const destination = headers.get("sec-fetch-dest");
  return destination !== null ? destination === "document" : (headers.get("accept") ?? "").includes("text/html");
}
