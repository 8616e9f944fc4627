import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { consoleStyleOrigins } from "@/lib/http/console-style-origins";
import { crossSiteActionProblem, trustedForwardedHost } from "@/lib/http/forwarded-host";
import { API_CACHE_CONTROL, contentSecurityPolicy, newNonce, STRICT_TRANSPORT_SECURITY } from "@/lib/http/security-headers";
import { mayBeServerAction, serverActionBodyProblem } from "@/lib/http/server-action-body";

/**
 * Runs before every page, action and API request: refuses cross-site server actions and action
 * bodies Next.js cannot decode (with a 403/400/413 and a message instead of the framework's 500),
 * drops an X-Forwarded-Host no trusted proxy wrote, and sets the per-request headers
 * (the CSP with a fresh nonce and the admin's Settings stylesheet origins, HSTS over https, no-store
 * on the API). Static headers are in
 * next.config.js.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const config = getConfig();
  const isApi = request.nextUrl.pathname.startsWith("/api/");

  if (mayBeServerAction(request.method, request.nextUrl.pathname, request.headers)) {
    const crossSite = crossSiteActionProblem(request.headers, config.DELEGATE_TRUSTED_PROXY_HOPS);
    if (crossSite) return refusal(403, "Forbidden", crossSite, config.publicUrl);
    const problem = await serverActionBodyProblem(request);
    if (problem) {
      const error = problem.status === 413 ? "Payload Too Large" : "Bad Request";
      return refusal(problem.status, error, problem.message, config.publicUrl);
    }
  }

  const requestHeaders = new Headers(request.headers);
  const forwardedHost = trustedForwardedHost(request.headers, config.DELEGATE_TRUSTED_PROXY_HOPS);
  if (forwardedHost) requestHeaders.set("x-forwarded-host", forwardedHost);
  else requestHeaders.delete("x-forwarded-host");

  let policy: string | null = null;
  if (!isApi) {
    // The nonce also names this page view: the layout and page share the proxy's Settings Query Hook run.
    const nonce = newNonce();
    policy = contentSecurityPolicy(nonce, {
      development: process.env.NODE_ENV === "development",
      styleOrigins: await consoleStyleOrigins(request, nonce),
    });
    // Next.js reads the nonce from the request's policy and puts it on the scripts it renders.
    requestHeaders.set("content-security-policy", policy);
  }
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  if (isApi) response.headers.set("cache-control", API_CACHE_CONTROL);
  return withResponseHeaders(response, config.publicUrl, policy);
}

function refusal(statusCode: number, error: string, message: string, publicUrl: string): NextResponse {
  return withResponseHeaders(NextResponse.json({ statusCode, error, message }, { status: statusCode }), publicUrl, null);
}

function withResponseHeaders(response: NextResponse, publicUrl: string, policy: string | null): NextResponse {
  if (policy) response.headers.set("content-security-policy", policy);
  if (publicUrl.startsWith("https:")) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
