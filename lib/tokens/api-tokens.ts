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
      const existing = await tx.apiToken.findUnique({ where: { id: tokenId } });
      if (!existing) throw notFound("There is no such API token.");
      if (existing.revokedAt) throw new DomainError("conflict", "This API token is already revoked.");
      await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
      await recordAudit(tx, actor, { action: "api_token.revoke", details: { tokenId, name: existing.name } });
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
