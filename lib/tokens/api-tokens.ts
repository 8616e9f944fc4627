import crypto from "node:crypto";
import { loadActor, requirePermission, type Actor, type RequestInfo } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError, notFound, unauthorized } from "@/lib/errors";
import type { CreateApiTokenInput } from "@/lib/schemas/token";
import { isUuid } from "@/lib/schemas/common";

const TOKEN_PREFIX = "dlg_";
const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export interface ApiTokenSummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: { id: string; email: string };
}

/** Creates a token acting as the actor. The token is returned once; only its hash is kept. */
export async function createApiToken(actor: Actor, input: CreateApiTokenInput): Promise<{ token: string; summary: ApiTokenSummary }> {
  return auditFailures(actor, { action: "api_token.create", details: { name: input.name } }, async () => {
    requirePermission(actor, "config:manage");
    const token = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
    const prisma = await getPrisma();
    const summary = await prisma.$transaction(async (tx) => {
      const created = await tx.apiToken.create({
        data: { name: input.name, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdById: actor.id },
        include: { createdBy: { select: { id: true, email: true } } },
      });
      await recordAudit(tx, actor, { action: "api_token.create", details: { name: input.name, tokenId: created.id } });
      return created;
    });
    const { tokenHash: _hash, createdById: _by, ...rest } = summary;
    return { token, summary: rest };
  });
}

export async function listApiTokens(actor: Actor): Promise<ApiTokenSummary[]> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  return prisma.apiToken.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { id: true, email: true } },
    },
  });
}

export async function revokeApiToken(actor: Actor, tokenId: string): Promise<void> {
  await auditFailures(actor, { action: "api_token.revoke", details: { tokenId } }, async () => {
    requirePermission(actor, "config:manage");
    if (!isUuid(tokenId)) throw notFound("There is no such API token.");
    const prisma = await getPrisma();
    await prisma.$transaction(async (tx) => {
      // One conditional statement: of concurrent revocations, only the first finds it unrevoked.
      const [revoked] = await tx.$queryRaw<{ name: string }[]>`
        UPDATE api_tokens SET revoked_at = now() WHERE id = ${tokenId}::uuid AND revoked_at IS NULL RETURNING name`;
      if (!revoked) {
        const exists = (await tx.apiToken.count({ where: { id: tokenId } })) > 0;
        throw exists ? new DomainError("conflict", "This API token is already revoked.") : notFound("There is no such API token.");
      }
      await recordAudit(tx, actor, { action: "api_token.revoke", details: { tokenId, name: revoked.name } });
    });
  });
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Resolves a presented token to the admin who made it, re-checking that admin's roles and block. */
export async function authenticateApiToken(token: string, request: RequestInfo): Promise<Actor> {
  if (!token.startsWith(TOKEN_PREFIX)) throw unauthorized("The API token is not valid.");
  const prisma = await getPrisma();
  const record = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!record || record.revokedAt) throw unauthorized("The API token is not valid or was revoked.");
  const actor = await loadActor(record.createdById, "api", request, record.id);
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  return actor;
}
