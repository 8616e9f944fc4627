import crypto from "node:crypto";
import type { KoaContextWithOIDC } from "oidc-provider";
import { memoize } from "@/lib/cache/memo";
import { DEFAULT_CONSOLE_SETTINGS, safeCss, settingsHookResultSchema, stylesheetUrl } from "@/lib/hooks/console-settings";
import { runActiveHook } from "@/lib/hooks/execute";
import { getTenant } from "@/lib/tenant/tenant";

/*
 * The pages the people Delegate manages see (sign-in, consent, sign-out, errors): server-rendered
 * HTML without scripts, with the tenant's name and the Settings Query Hook's `dict.title` and `css`.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

interface Branding {
  title: string;
  css: string;
}

/**
 * The Settings Query Hook runs without an admin here (`ctx.request` has no user); a hook that needs
 * one fails, and the page uses the defaults rather than failing the sign-in.
 */
const branding = memoize(5_000, async (): Promise<Branding> => {
  const tenant = await getTenant();
  const settings = await runActiveHook("settings", [{ request: {}, locale: "en" }], settingsHookResultSchema)
    .then((run) => (run.configured ? run.result : DEFAULT_CONSOLE_SETTINGS))
    .catch(() => DEFAULT_CONSOLE_SETTINGS);
  return { title: settings.dict.title ?? tenant.name, css: settings.css };
});

const BASE_CSS = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
main{max-width:26rem;margin:2rem auto;padding:2rem 1.5rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
@media (max-width:30rem){main{margin:0;min-height:100vh;border-radius:0;box-shadow:none}}
h1{font-size:1.5rem;margin:0 0 .25rem}p{margin:.25rem 0 1rem;color:#374151}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.75rem;font-size:1rem;border:1px solid #6b7280;border-radius:.375rem}
input:focus,button:focus{outline:3px solid #2563eb;outline-offset:2px}
button{width:100%;margin-top:1.5rem;padding:.75rem;font-size:1rem;font-weight:600;border:0;border-radius:.375rem;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111827;margin-top:.75rem}
.hint{font-size:.875rem;color:#4b5563;margin:.25rem 0 0}
.alert{padding:.75rem;border-radius:.375rem;background:#fef2f2;color:#991b1b;border:1px solid #fca5a5;margin:1rem 0}
ul{padding-left:1.25rem}
`;

export interface RenderedPage {
  html: string;
  contentSecurityPolicy: string;
}

/** A page with its Content-Security-Policy: no scripts, styles only from this page (nonce) or the tenant's stylesheet. */
export async function renderPage(heading: string, body: string): Promise<RenderedPage> {
  const { title, css } = await branding.get();
  const nonce = crypto.randomBytes(16).toString("base64");
  const sheet = stylesheetUrl(css);
  const tenantStyle = sheet
    ? `<link rel="stylesheet" href="${escapeHtml(sheet)}">`
    : css
      ? `<style nonce="${nonce}">${safeCss(css)}</style>`
      : "";
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)} · ${escapeHtml(title)}</title>
<style nonce="${nonce}">${BASE_CSS}</style>${tenantStyle}</head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  const styleSources = [`'nonce-${nonce}'`, ...(sheet ? [new URL(sheet).origin] : [])].join(" ");
  return {
    html,
    contentSecurityPolicy: `default-src 'none'; style-src ${styleSources}; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
  };
}

const alert = (message: string | undefined) =>
  message ? `<div class="alert" role="alert" id="page-error">${escapeHtml(message)}</div>` : "";

export interface SignInPageInput {
  uid: string;
  applicationName: string;
  login?: string;
  error?: string;
}

export function signInPage(input: SignInPageInput): Promise<RenderedPage> {
  return renderPage(
    "Sign in",
    `<p>Sign in to continue to <strong>${escapeHtml(input.applicationName)}</strong>.</p>
${alert(input.error)}
<form method="post" action="/interaction/${encodeURIComponent(input.uid)}/login">
<label for="login">Email or username</label>
<input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(input.login ?? "")}"${input.error ?  ' aria-describedby="page-error"' : ""}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p><a href="${escapeHtml(forgotPasswordHref(input.uid))}">Forgot your password?</a></p>`,
  );
}

/** The reset flow's page (app/account/forgot-password), with the way back to this sign-in. */
export const forgotPasswordHref = (uid: string) =>
  `/account/forgot-password?${new URLSearchParams({ return_to: `/interaction/${uid}` })}`;

export interface ChangePasswordPageInput {
  uid: string;
  applicationName: string;
  login: string;
  /** the connection's password policy in words, once the temporary password was checked */
  policy?: string;
  error?: string;
}

/**
 * After a right but temporary password: the sign-in finishes only with a new password. The form
 * carries the login (not secret) and asks for the temporary password again: the page keeps no state
 * between the two posts, and each post is a whole, throttled sign-in.
 */
export function changePasswordPage(input: ChangePasswordPageInput): Promise<RenderedPage> {
  const described = [input.policy ? "password-policy" : "", input.error ? "page-error" : ""].filter(Boolean).join(" ");
  return renderPage(
    "Choose a new password",
    `<h2>Choose a new password</h2>
<p>Your administrator gave you a temporary password. Choose your own to continue to <strong>${escapeHtml(input.applicationName)}</strong>.</p>
${alert(input.error)}
<form method="post" action="/interaction/${encodeURIComponent(input.uid)}/change-password">
<input type="hidden" name="login" value="${escapeHtml(input.login)}">
<label for="password">Temporary password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="newPassword">New password</label>
<input id="newPassword" name="newPassword" type="password" autocomplete="new-password" required${described ? ` aria-describedby="${described}"` : ""}>
${input.policy ? `<p class="hint" id="password-policy">${escapeHtml(input.policy)}</p>` : ""}
<label for="repeatPassword">Repeat the new password</label>
<input id="repeatPassword" name="repeatPassword" type="password" autocomplete="new-password" required>
<button type="submit">Change password and continue</button>
</form>`,
  );
}

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  profile: "your name, username and memberships",
  email: "your email address",
  phone: "your phone number",
  offline_access: "access while you are away (refresh tokens)",
};

export function consentPage(input: { uid: string; applicationName: string; scopes: string[] }): Promise<RenderedPage> {
  const items = input.scopes
    .filter((scope) => scope !== "openid")
    .map((scope) => `<li>${escapeHtml(SCOPE_DESCRIPTIONS[scope] ?? scope)}</li>`)
    .join("");
  return renderPage(
    "Allow access",
    `<p><strong>${escapeHtml(input.applicationName)}</strong> asks to know who you are${items ? " and to read:" : "."}</p>
${items ? `<ul>${items}</ul>` : ""}
<form method="post" action="/interaction/${encodeURIComponent(input.uid)}/consent">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  );
}

export function messagePage(heading: string, message: string, kind: "error" | "info" = "error"): Promise<RenderedPage> {
  return renderPage(heading, `<h2>${escapeHtml(heading)}</h2>${kind === "error" ? alert(message) : `<p>${escapeHtml(message)}</p>`}`);
}

async function sendKoa(ctx: KoaContextWithOIDC, page: RenderedPage) {
  ctx.type = "html";
  ctx.set("content-security-policy", page.contentSecurityPolicy);
  ctx.body = page.html;
}

/** oidc-provider's renderError: the error and its description, nothing else of the request. */
export async function errorPage(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) {
  await sendKoa(ctx, await messagePage("Sign-in failed", `${out.error_description ?? "The request could not be completed."} (${out.error})`));
}

/** RP-initiated logout's confirmation: oidc-provider's form (with its XSRF token) and two buttons. */
export async function logoutConfirmPage(ctx: KoaContextWithOIDC, form: string) {
  const name = ctx.oidc.client?.clientName;
  await sendKoa(
    ctx,
    await renderPage(
      "Sign out",
      `<p>Do you want to sign out${name ? ` of <strong>${escapeHtml(name)}</strong>` : ""}?</p>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
    ),
  );
}

export async function logoutSuccessPage(ctx: KoaContextWithOIDC) {
  await sendKoa(ctx, await messagePage("Signed out", "You have signed out. You can close this page.", "info"));
}
