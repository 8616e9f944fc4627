import crypto from "node:crypto";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { getAuthSecret } from "@/lib/auth/secret";
import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { findAccount } from "./account";
import { PostgresOidcAdapter } from "./adapter";
import { EXTRA_CLIENT_METADATA, hashClientSecret, type ApplicationClient } from "./clients";
import { loadSigningJwks } from "./keys";
import { providerState } from "./provider-state";
import { errorPage, logoutConfirmPage, logoutSuccessPage } from "./pages";
import { recordUserLogout } from "./sign-in-events";

/** Where the provider's endpoints live under the console's origin (discovery stays at /.well-known). */
export const OIDC_PREFIX = "/oidc";
/** The users' sign-in pages (lib/oidc/interactions.ts). */
export const INTERACTION_PREFIX = "/interaction";

export const STANDARD_SCOPES = ["openid", "offline_access", "profile", "email", "phone"];

const app = (ctx: KoaContextWithOIDC) => ctx.oidc.client as unknown as ApplicationClient;

/** Cookie signing keys, derived from the auth secret so that every instance signs alike. */
function cookieKeys(): string[] {
  return [Buffer.from(crypto.hkdfSync("sha256", getAuthSecret(), "delegate", "oidc-cookies", 32)).toString("base64url")];
}

/**
 * First-party applications never ask for consent: their grant is made (or widened to the scopes now
 * requested) here, as oidc-provider's loadExistingGrant allows. Third-party ones keep the user's
 * grant, or none, which sends the user to the consent page.
 */
async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!app(ctx).is_first_party || !oidc.session!.accountId) return existing;
  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
  const requested = [...oidc.requestParamScopes].join(" ");
  const claims = [...oidc.requestParamClaims];
  const scopeMissing = [...oidc.requestParamScopes].some((scope) => !grant.getOIDCScope().split(" ").includes(scope));
  const claimsMissing = claims.some((claim) => !grant.getOIDCClaims().includes(claim));
  if (!existing || scopeMissing || claimsMissing) {
    grant.addOIDCScope(requested);
    if (claims.length) grant.addOIDCClaims(claims);
    await grant.save();
  }
  return grant;
}

export function oidcConfiguration(jwks: Configuration["jwks"], groupsClaims: readonly string[]): Configuration {
  const secure = getConfig().publicUrl.startsWith("https:");
  return {
    adapter: PostgresOidcAdapter,
    findAccount,
    jwks,
    cookies: {
      keys: cookieKeys(),
      names: { session: "delegate_oidc_session", interaction: "delegate_oidc_interaction", resume: "delegate_oidc_resume" },
      long: { httpOnly: true, sameSite: "lax", secure },
      short: { httpOnly: true, sameSite: "lax", secure },
    },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      phone: ["phone_number", "phone_number_verified"],
      profile: [
        "name", "given_name", "family_name", "nickname", "preferred_username", "updated_at",
        "app_metadata", "user_metadata", ...new Set(["groups", ...groupsClaims]),
      ],
    },
    scopes: STANDARD_SCOPES,
    // Profile claims in the ID token as well as from userinfo (as Auth0 does), so an application
    // needs no second request.
    conformIdTokenClaims: false,
    responseTypes: ["code"],
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "none"],
    enabledJWA: { idTokenSigningAlgValues: ["RS256", "ES256"] },
    pkce: { required: (_ctx, client) => client.clientAuthMethod === "none" },
    allowOmittingSingleRegisteredRedirectUri: false,
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutConfirmPage, postLogoutSuccessSource: logoutSuccessPage },
    },
    ttl: {
      AccessToken: (ctx, _token, client) => (client as unknown as ApplicationClient).access_token_lifetime,
      IdToken: (ctx, _token, client) => (client as unknown as ApplicationClient).id_token_lifetime,
      RefreshToken: (ctx, _token, client) => (client as unknown as ApplicationClient).refresh_token_lifetime,
      AuthorizationCode: 60,
      Interaction: 30 * 60,
      Session: 14 * 24 * 3600,
      Grant: 365 * 24 * 3600,
    },
    // Every application may refresh; each refresh token is used once (rotation), and presenting a
    // used one again revokes the whole grant (oidc-provider's rotation semantics).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    loadExistingGrant,
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PREFIX}/${interaction.uid}` },
    routes: {
      authorization: `${OIDC_PREFIX}/authorize`,
      token: `${OIDC_PREFIX}/token`,
      userinfo: `${OIDC_PREFIX}/userinfo`,
      jwks: `${OIDC_PREFIX}/jwks`,
      end_session: `${OIDC_PREFIX}/logout`,
      revocation: `${OIDC_PREFIX}/revoke`,
      introspection: `${OIDC_PREFIX}/introspect`,
      registration: `${OIDC_PREFIX}/register`,
      pushed_authorization_request: `${OIDC_PREFIX}/par`,
      code_verification: `${OIDC_PREFIX}/device`,
      device_authorization: `${OIDC_PREFIX}/device/auth`,
      backchannel_authentication: `${OIDC_PREFIX}/backchannel`,
      challenge: `${OIDC_PREFIX}/challenge`,
      credential: `${OIDC_PREFIX}/credential`,
    },
    renderError: errorPage,
  };
}

async function groupsClaimNames(): Promise<string[]> {
  const db = await getDatabase();
  const rows = await db.query<{ groups_claim: string }>(Prisma.sql`SELECT DISTINCT groups_claim FROM applications ORDER BY groups_claim`);
  return rows.map((row) => row.groups_claim);
}

export async function createOidcProvider(): Promise<Provider> {
  const [jwks, groupsClaims] = await Promise.all([loadSigningJwks(), groupsClaimNames()]);
  const provider = new Provider(getConfig().publicUrl, oidcConfiguration(jwks, groupsClaims));
  provider.proxy = getConfig().DELEGATE_TRUSTED_PROXY_HOPS > 0;
  // Client secrets are stored hashed (lib/oidc/clients.ts): compare the hash of what is presented.
  provider.Client.prototype.compareClientSecret = function compareHashed(this: { clientSecret?: string }, actual: string) {
    const expected = Buffer.from(this.clientSecret ?? "");
    const presented = Buffer.from(hashClientSecret(actual));
    return expected.length === presented.length && crypto.timingSafeEqual(expected, presented);
  };
  provider.on("end_session.success", (ctx: KoaContextWithOIDC) => {
    void recordUserLogout(ctx);
  });
  provider.on("server_error", (_ctx: KoaContextWithOIDC, error: Error) => {
    console.error("OpenID Connect provider error:", error);
  });
  (provider as unknown as { groupsClaims: string[] }).groupsClaims = groupsClaims;
  return provider;
}

const CLAIM_NAMES_CHECK_MS = 5_000;

/**
 * The process's provider. Claim names must be known when it is built (an application's groups claim
 * name is one), so it is rebuilt when they change, checked at most every 5 s. Everything else it
 * needs is read per request, so a rebuilt provider continues every flow.
 */
export async function getOidcProvider(): Promise<Provider> {
  const now = Date.now();
  const current = providerState.delegateOidc;
  if (current && now - current.checkedAt < CLAIM_NAMES_CHECK_MS) return current.provider;
  if (current) current.checkedAt = now;
  const claims = (await groupsClaimNames()).join("\n");
  if (!providerState.delegateOidc || providerState.delegateOidc.claims !== claims) {
    const provider = createOidcProvider();
    providerState.delegateOidc = { provider, claims, checkedAt: now };
    provider.catch(() => {
      if (providerState.delegateOidc?.provider === provider) providerState.delegateOidc = undefined;
    });
  }
  return providerState.delegateOidc.provider;
}
