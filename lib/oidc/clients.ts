import crypto from "node:crypto";
import type { AdapterPayload, ClientAuthMethod, SigningAlgorithmWithNone } from "oidc-provider";
import { getDatabase } from "@/lib/db/client";
import { Prisma, type Application } from "@/lib/generated/prisma/client";

/** Per-application settings the provider reads from its Client objects (extraClientMetadata). */
export const EXTRA_CLIENT_METADATA = [
  "app_type",
  "is_first_party",
  "allowed_connections",
  "allowed_memberships",
  "groups_claim",
  "app_metadata_claims",
  "user_metadata_claims",
  "id_token_lifetime",
  "access_token_lifetime",
  "refresh_token_lifetime",
] as const;

export interface ApplicationClient {
  clientId: string;
  app_type: string;
  is_first_party: boolean;
  allowed_connections: string[];
  allowed_memberships: string[];
  groups_claim: string;
  app_metadata_claims: string[];
  user_metadata_claims: string[];
  id_token_lifetime: number;
  access_token_lifetime: number;
  refresh_token_lifetime: number;
  clientName?: string;
}

/** Secrets are random 256-bit values: one SHA-256 is enough to store them (as for API tokens). */
export function hashClientSecret(secret: string): string {
  return crypto.createHash("sha256").update(secret, "utf8").digest("base64url");
}

export function newClientSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** The client metadata oidc-provider validates and uses, built from a registered application. */
export function clientMetadata(app: Application): AdapterPayload {
  const confidential = app.appType === "regular_web";
  return {
    client_id: app.clientId,
    client_name: app.name,
    application_type: app.appType === "native" ? "native" : "web",
    token_endpoint_auth_method: app.tokenEndpointAuthMethod as ClientAuthMethod,
    // The stored hash: provider.ts compares the hash of the presented secret with it.
    ...(confidential && app.clientSecretHash ? { client_secret: app.clientSecretHash } : {}),
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    redirect_uris: app.callbacks,
    post_logout_redirect_uris: app.allowedLogoutUrls,
    id_token_signed_response_alg: app.idTokenAlg as SigningAlgorithmWithNone,
    app_type: app.appType,
    is_first_party: app.isFirstParty,
    allowed_connections: app.allowedConnections,
    allowed_memberships: app.allowedMemberships,
    groups_claim: app.groupsClaim,
    app_metadata_claims: app.appMetadataClaims,
    user_metadata_claims: app.userMetadataClaims,
    id_token_lifetime: app.idTokenLifetime,
    access_token_lifetime: app.accessTokenLifetime,
    refresh_token_lifetime: app.refreshTokenLifetime,
  };
}

/** Read on every authorization and token request: one prepared statement, not Prisma's query engine. */
export async function clientMetadataFor(clientId: string): Promise<AdapterPayload | undefined> {
  const db = await getDatabase();
  const [app] = await db.query<Application>(Prisma.sql`
    SELECT client_id AS "clientId", name, app_type AS "appType", client_secret_hash AS "clientSecretHash", callbacks,
      allowed_logout_urls AS "allowedLogoutUrls", allowed_connections AS "allowedConnections",
      allowed_memberships AS "allowedMemberships", is_first_party AS "isFirstParty", id_token_alg AS "idTokenAlg",
      token_endpoint_auth_method AS "tokenEndpointAuthMethod", id_token_lifetime AS "idTokenLifetime",
      access_token_lifetime AS "accessTokenLifetime", refresh_token_lifetime AS "refreshTokenLifetime",
      groups_claim AS "groupsClaim", app_metadata_claims AS "appMetadataClaims", user_metadata_claims AS "userMetadataClaims",
      created_at AS "createdAt", updated_at AS "updatedAt"
    FROM applications WHERE client_id = ${clientId}`);
  return app ? clientMetadata(app) : undefined;
}
