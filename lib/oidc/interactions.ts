import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { errors } from "oidc-provider";
import { requestInfoFrom } from "@/lib/auth/request-info";
import type { ApplicationClient } from "./clients";
import { changePasswordPage, consentPage, messagePage, signInPage, type RenderedPage } from "./pages";
import { INTERACTION_PREFIX } from "./provider";
import { finishRequiredChange, requiredChangeSchema, signInUser, userSignInSchema, type UserSignInResult } from "./user-sign-in";

/*
 * The users' sign-in pages: oidc-provider sends the browser to /interaction/<uid> when it needs a
 * sign-in (or, for third-party applications, consent); the answers go back to it as interaction
 * results (provider.interactionFinished). The interaction is bound to the browser by oidc-provider's
 * interaction cookie (SameSite=Lax, so another site cannot post these forms).
 */

const MAX_FORM_BYTES = 16 * 1024;

function send(res: ServerResponse, status: number, page: RenderedPage): void {
  res.statusCode = status;
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.setHeader("content-security-policy", page.contentSecurityPolicy);
  res.setHeader("cache-control", "no-store");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("referrer-policy", "no-referrer");
  res.end(page.html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const headerSource = (req: IncomingMessage) => ({
  get: (name: string) => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : (value ?? null);
  },
});

async function applicationOf(provider: Provider, clientId: unknown) {
  const client = typeof clientId === "string" ? await provider.Client.find(clientId) : undefined;
  if (!client) throw new errors.InvalidClient("the application no longer exists");
  return client as unknown as ApplicationClient & { clientName?: string };
}

/** Handles a request under /interaction/; answers every request it is given. */
export async function handleInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const match = new RegExp(`^${INTERACTION_PREFIX}/([A-Za-z0-9_-]+)(?:/(login|change-password|consent))?$`).exec(url.pathname);
  if (!match) return send(res, 404, await messagePage("Not found", "There is no such page."));
  const [, uid, step] = match;
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return send(res, 400, await messagePage("Sign-in expired", "This sign-in has expired or was opened in another browser. Go back to the application and sign in again."));
  }
  if (details.uid !== uid) return send(res, 400, await messagePage("Sign-in expired", "This sign-in page belongs to another sign-in. Go back to the application and sign in again."));
  const app = await applicationOf(provider, details.params.client_id);
  const applicationName = app.clientName ?? app.clientId;
  const prompt = details.prompt.name;

  if (req.method === "GET" && !step) {
    if (prompt === "consent") {
      return send(res, 200, await consentPage({ uid, applicationName, scopes: String(details.params.scope ?? "").split(" ") }));
    }
    const hint = typeof details.params.login_hint === "string" ? details.params.login_hint : undefined;
    return send(res, 200, await signInPage({ uid, applicationName, login: hint }));
  }
  if (req.method !== "POST" || !step) {
    res.statusCode = 405;
    res.setHeader("allow", "GET, POST");
    return void res.end();
  }
  const form = await readForm(req);
  if (!form) return send(res, 400, await messagePage("Bad request", "The form could not be read. Go back and try again."));

  if (step === "login" || step === "change-password") {
    if (prompt !== "login") return send(res, 400, await messagePage("Bad request", "This sign-in does not expect a password now."));
    const login = form.get("login") ?? "";
    const request = requestInfoFrom(headerSource(req));
    let result: UserSignInResult;
    if (step === "login") {
      const parsed = userSignInSchema.safeParse(Object.fromEntries(form));
      if (!parsed.success) {
        return send(res, 400, await signInPage({ uid, applicationName, login, error: parsed.error.issues[0]?.message ?? "Enter your email or username and password." }));
      }
      result = await signInUser(parsed.data, app, request);
    } else {
      const parsed = requiredChangeSchema.safeParse(Object.fromEntries(form));
      if (!parsed.success) {
        // The policy is only known once the temporary password is checked: none is named here.
        const error = parsed.error.issues[0]?.message ?? "Enter your temporary password and a new one.";
        return send(res, 400, await changePasswordPage({ uid, applicationName, login, error }));
      }
      result = await finishRequiredChange(parsed.data, app, request);
    }
    if (result.outcome === "refused") return send(res, 401, await signInPage({ uid, applicationName, login, error: result.message }));
    if (result.outcome === "change_required") {
      return send(res, result.message ? 400 : 200, await changePasswordPage({ uid, applicationName, login, policy: result.policy, error: result.message }));
    }
    if (result.outcome === "denied") {
      return provider.interactionFinished(req, res, { error: result.error, error_description: result.description }, { mergeWithLastSubmission: false });
    }
    return provider.interactionFinished(req, res, { login: { accountId: result.user.user_id, amr: ["pwd"] } }, { mergeWithLastSubmission: false });
  }

  if (prompt !== "consent") return send(res, 400, await messagePage("Bad request", "This sign-in does not ask for consent now."));
  if (form.get("decision") !== "allow") {
    return provider.interactionFinished(req, res, { error: "access_denied", error_description: "The user did not allow the application access." }, { mergeWithLastSubmission: true });
  }
  const accountId = details.session?.accountId;
  if (!accountId) return send(res, 400, await messagePage("Sign-in expired", "Sign in again."));
  const grant = details.grantId
    ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId: app.clientId }))
    : new provider.Grant({ accountId, clientId: app.clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
