import type { IncomingMessage, ServerResponse } from "node:http";
import { handleInteraction } from "./interactions";
import { getOidcProvider, INTERACTION_PREFIX, OIDC_PREFIX } from "./provider";

/** The paths the OpenID Connect provider and the users' sign-in pages answer; everything else is the console's. */
export function isOidcPath(pathname: string): boolean {
  return (
    pathname === "/.well-known/openid-configuration" ||
    pathname === "/.well-known/oauth-authorization-server" ||
    pathname === OIDC_PREFIX ||
    pathname.startsWith(`${OIDC_PREFIX}/`) ||
    pathname.startsWith(`${INTERACTION_PREFIX}/`)
  );
}

/** Serves a request for one of `isOidcPath`'s paths. */
export async function handleOidcRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const provider = await getOidcProvider();
  const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
  if (pathname.startsWith(`${INTERACTION_PREFIX}/`)) {
    try {
      await handleInteraction(provider, req, res);
    } catch (error) {
      console.error("Sign-in page error:", error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "text/plain; charset=utf-8");
      }
      res.end("Something went wrong on the server. Go back to the application and sign in again.");
    }
    return;
  }
  let callback = callbacks.get(provider);
  if (!callback) callbacks.set(provider, (callback = provider.callback()));
  await callback(req, res);
}

const callbacks = new WeakMap<object, ReturnType<Awaited<ReturnType<typeof getOidcProvider>>["callback"]>>();

/** A Node request listener serving the provider and the sign-in pages (tests and the custom server). */
export function oidcRequestListener(fallback: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (isOidcPath(pathname)) void handleOidcRequest(req, res);
    else fallback(req, res);
  };
}
