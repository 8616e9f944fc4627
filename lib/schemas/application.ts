import { z } from "zod";
import { textSchema } from "./common";

/*
 * Applications (OpenID Connect clients) as Auth0's Management API names their fields
 * (`/api/v2/clients`), shared by the API, its OpenAPI document and the console's form.
 */

export const APP_TYPES = ["regular_web", "spa", "native"] as const;
export const CONFIDENTIAL_AUTH_METHODS = ["client_secret_basic", "client_secret_post"] as const;
/** Longest ID token / access token lifetime: shorter than a retired signing key stays published (lib/oidc/keys.ts). */
export const MAX_TOKEN_LIFETIME_S = 30 * 24 * 3600;
export const MAX_REFRESH_TOKEN_LIFETIME_S = 365 * 24 * 3600;
/** Claim names an application cannot take for its memberships: the provider's own. */
const RESERVED_CLAIMS = new Set([
  "sub", "iss", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "acr", "amr", "azp", "sid", "at_hash", "c_hash",
  "email", "email_verified", "name", "given_name", "family_name", "nickname", "preferred_username", "phone_number",
  "phone_number_verified", "updated_at", "app_metadata", "user_metadata",
]);

const isLocalHost = (host: string) => host === "localhost" || host === "127.0.0.1" || host === "[::1]";

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** https, or http for localhost / 127.0.0.1; no fragment. */
export function webUrlProblem(text: string): string | null {
  const url = parseUrl(text);
  if (!url) return `"${text}" is not a URL.`;
  if (url.hash) return `"${text}" must not contain a fragment (#).`;
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && isLocalHost(url.hostname)) return null;
  return `"${text}" must use https (http is allowed for localhost and 127.0.0.1 only).`;
}

/** Native applications may also use a private-use URI scheme (com.example.app:/callback). */
function callbackProblem(text: string, appType: string): string | null {
  const url = parseUrl(text);
  if (url && appType === "native" && !["http:", "https:"].includes(url.protocol)) {
    if (!/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) {
      return `"${text}": a native application's own scheme must be a reversed domain name, like com.example.app:/callback.`;
    }
    return url.hash ? `"${text}" must not contain a fragment (#).` : null;
  }
  return webUrlProblem(text);
}

const urlList = textSchema().trim().min(1).max(1000).array().max(50, "At most 50 URLs.");
const nameList = textSchema().trim().min(1).max(200).array().max(100);
const metadataKeys = textSchema()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, "A metadata key may contain letters, digits and _ . - only.")
  .array()
  .max(50);
const lifetime = (max: number) => z.number().int().min(60, "At least 60 seconds.").max(max, `At most ${max} seconds.`);

const fields = {
  name: textSchema().trim().min(1, "Enter a name.").max(100),
  callbacks: urlList,
  allowed_logout_urls: urlList,
  token_endpoint_auth_method: z.enum([...CONFIDENTIAL_AUTH_METHODS, "none"]),
  is_first_party: z.boolean(),
  allowed_connections: nameList,
  allowed_memberships: nameList,
  jwt_configuration: z.object({ alg: z.enum(["RS256", "ES256"]).optional(), lifetime_in_seconds: lifetime(MAX_TOKEN_LIFETIME_S).optional() }).strict(),
  refresh_token: z.object({ token_lifetime: lifetime(MAX_REFRESH_TOKEN_LIFETIME_S).optional() }).strict(),
  access_token_lifetime: lifetime(MAX_TOKEN_LIFETIME_S),
  groups_claim: textSchema()
    .trim()
    .regex(/^[A-Za-z0-9_:/.-]{1,200}$/, "A claim name may contain letters, digits and _ : / . - only.")
    .refine((name) => !RESERVED_CLAIMS.has(name), "This claim name is the provider's own; choose another."),
  app_metadata_claims: metadataKeys,
  user_metadata_claims: metadataKeys,
};

type UrlFields = { callbacks?: string[]; allowed_logout_urls?: string[] };

export function urlProblems(input: UrlFields, appType: string): Record<string, string> {
  const problems: Record<string, string> = {};
  const callback = input.callbacks?.map((uri) => callbackProblem(uri, appType)).find(Boolean);
  if (callback) problems.callbacks = callback;
  const logout = input.allowed_logout_urls?.map(webUrlProblem).find(Boolean);
  if (logout) problems.allowed_logout_urls = logout;
  return problems;
}

export const createApplicationSchema = z
  .object({
    ...fields,
    app_type: z.enum(APP_TYPES, { error: `Choose an app_type: ${APP_TYPES.join(", ")}.` }),
    callbacks: fields.callbacks.default([]),
    allowed_logout_urls: fields.allowed_logout_urls.default([]),
    token_endpoint_auth_method: fields.token_endpoint_auth_method.optional(),
    is_first_party: fields.is_first_party.default(true),
    allowed_connections: fields.allowed_connections.default([]),
    allowed_memberships: fields.allowed_memberships.default([]),
    jwt_configuration: fields.jwt_configuration.default({}),
    refresh_token: fields.refresh_token.default({}),
    access_token_lifetime: fields.access_token_lifetime.default(86_400),
    groups_claim: fields.groups_claim.default("groups"),
    app_metadata_claims: fields.app_metadata_claims.default([]),
    user_metadata_claims: fields.user_metadata_claims.default([]),
  })
  .strict()
  .superRefine((input, ctx) => {
    for (const [field, message] of Object.entries(urlProblems(input, input.app_type))) ctx.addIssue({ code: "custom", path: [field], message });
    const method = input.token_endpoint_auth_method;
    if (input.app_type === "regular_web" && method === "none") {
      ctx.addIssue({ code: "custom", path: ["token_endpoint_auth_method"], message: "A regular_web application authenticates with its secret." });
    }
    if (input.app_type !== "regular_web" && method && method !== "none") {
      ctx.addIssue({ code: "custom", path: ["token_endpoint_auth_method"], message: "spa and native applications have no secret: use none (PKCE)." });
    }
  });
export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

/** What a change may send (the OpenAPI document's UpdateClient). */
export const updateApplicationFields = z.object(fields).partial().strict();

export const updateApplicationSchema = updateApplicationFields
  .extend({ app_type: z.never({ error: "app_type cannot be changed: register a new application." }).optional() })
  .refine((input) => Object.keys(input).length > 0, "Send at least one field to change.");
export type UpdateApplicationInput = z.infer<typeof updateApplicationSchema>;

/** An application as the API answers (Auth0's client fields, plus Delegate's own settings). */
export const applicationViewSchema = z.object({
  client_id: z.string(),
  name: z.string(),
  app_type: z.enum(APP_TYPES),
  callbacks: z.array(z.string()),
  allowed_logout_urls: z.array(z.string()),
  token_endpoint_auth_method: z.string(),
  is_first_party: z.boolean(),
  allowed_connections: z.array(z.string()),
  allowed_memberships: z.array(z.string()),
  jwt_configuration: z.object({ alg: z.string(), lifetime_in_seconds: z.number().int() }),
  refresh_token: z.object({ rotation_type: z.literal("rotating"), token_lifetime: z.number().int() }),
  access_token_lifetime: z.number().int(),
  groups_claim: z.string(),
  app_metadata_claims: z.array(z.string()),
  user_metadata_claims: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

/** The answer to a creation (regular_web) or a secret rotation: the only time the secret is shown. */
export const applicationWithSecretSchema = applicationViewSchema.extend({
  client_secret: z.string().optional().describe("Shown once; Delegate keeps only its hash."),
});
