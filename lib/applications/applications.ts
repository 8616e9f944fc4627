import crypto from "node:crypto";
import { requirePermission, type Actor } from "@/lib/auth/actor";
import { objectChanges } from "@/lib/audit/changes";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { notFound, validationError } from "@/lib/errors";
import type { Application } from "@/lib/generated/prisma/client";
import { hashClientSecret, newClientSecret } from "@/lib/oidc/clients";
import { forgetOidcProvider } from "@/lib/oidc/provider-state";
import {
  urlProblems,
  type ApplicationView,
  type CreateApplicationInput,
  type UpdateApplicationInput,
} from "@/lib/schemas/application";

/*
 * The applications whose users sign in through Delegate (OpenID Connect clients). Administrators
 * only (config:manage); every change is audited. A client secret is returned once, at creation or
 * rotation, and stored as its SHA-256.
 */

const ID_TOKEN_LIFETIME_DEFAULT = 36_000;
const REFRESH_TOKEN_LIFETIME_DEFAULT = 30 * 24 * 3600;

export function applicationView(app: Application): ApplicationView {
  return {
    client_id: app.clientId,
    name: app.name,
    app_type: app.appType as ApplicationView["app_type"],
    callbacks: app.callbacks,
    allowed_logout_urls: app.allowedLogoutUrls,
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    is_first_party: app.isFirstParty,
    allowed_connections: app.allowedConnections,
    allowed_memberships: app.allowedMemberships,
    jwt_configuration: { alg: app.idTokenAlg, lifetime_in_seconds: app.idTokenLifetime },
    refresh_token: { rotation_type: "rotating", token_lifetime: app.refreshTokenLifetime },
    access_token_lifetime: app.accessTokenLifetime,
    groups_claim: app.groupsClaim,
    app_metadata_claims: app.appMetadataClaims,
    user_metadata_claims: app.userMetadataClaims,
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}

function columns(input: Omit<UpdateApplicationInput, "app_type">) {
  return {
    name: input.name,
    callbacks: input.callbacks,
    allowedLogoutUrls: input.allowed_logout_urls,
    tokenEndpointAuthMethod: input.token_endpoint_auth_method,
    isFirstParty: input.is_first_party,
    allowedConnections: input.allowed_connections,
    allowedMemberships: input.allowed_memberships,
    idTokenAlg: input.jwt_configuration?.alg,
    idTokenLifetime: input.jwt_configuration?.lifetime_in_seconds,
    refreshTokenLifetime: input.refresh_token?.token_lifetime,
    accessTokenLifetime: input.access_token_lifetime,
    groupsClaim: input.groups_claim,
    appMetadataClaims: input.app_metadata_claims,
    userMetadataClaims: input.user_metadata_claims,
  };
}

function withoutAppType({ app_type: _appType, ...rest }: CreateApplicationInput): Omit<UpdateApplicationInput, "app_type"> {
  return rest;
}

const changedFields = (input: object) => Object.keys(input).sort();

export async function createApplication(actor: Actor, input: CreateApplicationInput): Promise<ApplicationView & { client_secret?: string }> {
  return auditFailures(actor, { action: "client.create", details: { name: input.name } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const clientId = crypto.randomBytes(16).toString("base64url");
    const confidential = input.app_type === "regular_web";
    const secret = confidential ? newClientSecret() : undefined;
    const app = await prisma.$transaction(async (tx) => {
      const created = await tx.application.create({
        data: {
          ...columns(withoutAppType(input)),
          clientId,
          name: input.name,
          appType: input.app_type,
          tokenEndpointAuthMethod: input.token_endpoint_auth_method ?? (confidential ? "client_secret_basic" : "none"),
          idTokenLifetime: input.jwt_configuration.lifetime_in_seconds ?? ID_TOKEN_LIFETIME_DEFAULT,
          refreshTokenLifetime: input.refresh_token.token_lifetime ?? REFRESH_TOKEN_LIFETIME_DEFAULT,
          clientSecretHash: secret ? hashClientSecret(secret) : null,
        },
      });
      await recordAudit(tx, actor, { action: "client.create", details: { client_id: clientId, name: input.name, app_type: input.app_type } });
      return created;
    });
    forgetOidcProvider();
    return { ...applicationView(app), ...(secret ? { client_secret: secret } : {}) };
  });
}

export async function listApplications(actor: Actor): Promise<ApplicationView[]> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  return (await prisma.application.findMany({ orderBy: [{ name: "asc" }, { clientId: "asc" }] })).map(applicationView);
}

async function findApplication(clientId: string): Promise<Application> {
  const prisma = await getPrisma();
  const app = await prisma.application.findUnique({ where: { clientId } });
  if (!app) throw notFound(`There is no application with client_id ${clientId}.`);
  return app;
}

export async function getApplication(actor: Actor, clientId: string): Promise<ApplicationView> {
  requirePermission(actor, "config:manage");
  return applicationView(await findApplication(clientId));
}

export async function updateApplication(actor: Actor, clientId: string, input: UpdateApplicationInput): Promise<ApplicationView> {
  return auditFailures(actor, { action: "client.update", details: { client_id: clientId, fields: changedFields(input) } }, async () => {
    requirePermission(actor, "config:manage");
    const current = await findApplication(clientId);
    const problems = urlProblems(input, current.appType);
    const method = input.token_endpoint_auth_method;
    if (method && (method === "none") !== (current.appType !== "regular_web")) {
      problems.token_endpoint_auth_method =
        current.appType === "regular_web" ? "A regular_web application authenticates with its secret." : "spa and native applications have no secret: use none (PKCE).";
    }
    if (Object.keys(problems).length) throw validationError("Some fields are not valid.", problems);
    const prisma = await getPrisma();
    const { jwt_configuration: jwt, refresh_token: refresh, ...rest } = input;
    const app = await prisma.$transaction(async (tx) => {
      const updated = await tx.application.update({
        where: { clientId },
        data: columns({ ...rest, jwt_configuration: jwt, refresh_token: refresh }),
      });
      const changes = objectChanges(applicationView(current), applicationView(updated), changedFields(input));
      await recordAudit(tx, actor, { action: "client.update", details: { client_id: clientId, fields: changedFields(input), changes } });
      return updated;
    });
    forgetOidcProvider();
    return applicationView(app);
  });
}

/** Deletes the application and every grant, code and token issued to it. */
export async function deleteApplication(actor: Actor, clientId: string): Promise<void> {
  await auditFailures(actor, { action: "client.delete", details: { client_id: clientId } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.application.deleteMany({ where: { clientId } });
      if (count === 0) throw notFound(`There is no application with client_id ${clientId}.`);
      await tx.$executeRaw`DELETE FROM oidc_payloads WHERE payload->>'clientId' = ${clientId}`;
      await recordAudit(tx, actor, { action: "client.delete", details: { client_id: clientId } });
    });
  });
}

/** A new secret for a regular_web application, returned once; the previous one stops working at once. */
export async function rotateClientSecret(actor: Actor, clientId: string): Promise<ApplicationView & { client_secret: string }> {
  return auditFailures(actor, { action: "client.rotate_secret", details: { client_id: clientId } }, async () => {
    requirePermission(actor, "config:manage");
    const current = await findApplication(clientId);
    if (current.appType !== "regular_web") throw validationError("Only regular_web applications have a secret; spa and native ones use PKCE.");
    const secret = newClientSecret();
    const prisma = await getPrisma();
    const app = await prisma.$transaction(async (tx) => {
      const updated = await tx.application.update({ where: { clientId }, data: { clientSecretHash: hashClientSecret(secret) } });
      await recordAudit(tx, actor, { action: "client.rotate_secret", details: { client_id: clientId } });
      return updated;
    });
    return { ...applicationView(app), client_secret: secret };
  });
}
