import crypto from "node:crypto";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

/** What a single-use account link is for. A password-change ticket is a `password_reset` link handed to an admin. */
export const ACCOUNT_LINK_KINDS = ["invitation", "password_reset", "email_verification"] as const;
export type AccountLinkKind = (typeof ACCOUNT_LINK_KINDS)[number];

/** How long a link works unless the caller says otherwise (Auth0's tickets take `ttl_sec`). */
export const DEFAULT_TTL_SEC: Record<AccountLinkKind, number> = {
  invitation: 7 * 24 * 3600,
  password_reset: 24 * 3600,
  email_verification: 5 * 24 * 3600,
};
/** The longest a caller may ask for (Auth0 caps tickets at 30 days). */
export const MAX_TTL_SEC = 30 * 24 * 3600;

/** The page of each kind, outside the admin console. */
export const ACCOUNT_LINK_PATHS: Record<AccountLinkKind, string> = {
  invitation: "/account/invitation",
  password_reset: "/account/reset-password",
  email_verification: "/account/verify-email",
};

/** 32 random bytes, base64url: the link carries it, the database keeps only its SHA-256. */
export function newAccountToken(): { token: string; tokenHash: string } {
  const token = crypto.randomBytes(32).toString("base64url");
  return { token, tokenHash: hashAccountToken(token) };
}

export const hashAccountToken = (token: string) => crypto.createHash("sha256").update(token, "utf8").digest("hex");

/** The link's URL; `returnTo` (a sign-in page, `signInReturnSchema`) is where its page offers to go afterwards. */
export function accountLinkUrl(kind: AccountLinkKind, token: string, returnTo?: string): string {
  const url = new URL(ACCOUNT_LINK_PATHS[kind], getConfig().publicUrl);
  url.searchParams.set("token", token);
  if (returnTo) url.searchParams.set("return_to", returnTo);
  return url.toString();
}

export interface NewAccountLink {
  id: string;
  kind: AccountLinkKind;
  userId: string;
  email: string;
  tokenHash: string;
  markEmailVerified: boolean;
  createdAt: Date;
  expiresAt: Date;
  createdById: string | null;
}

/** A new link of `kind` for a user: the token for the URL and the row to store. */
export function newAccountLink(
  kind: AccountLinkKind,
  user: { id: string; email: string },
  options: { ttlSec?: number; markEmailVerified?: boolean; createdById: string | null; now?: Date; returnTo?: string },
): { link: NewAccountLink; url: string } {
  const { token, tokenHash } = newAccountToken();
  const createdAt = options.now ?? new Date();
  const ttlSec = options.ttlSec ?? DEFAULT_TTL_SEC[kind];
  return {
    url: accountLinkUrl(kind, token, options.returnTo),
    link: {
      id: crypto.randomUUID(),
      kind,
      userId: user.id,
      email: user.email,
      tokenHash,
      markEmailVerified: options.markEmailVerified ?? false,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + ttlSec * 1000),
      createdById: options.createdById,
    },
  };
}

/** `INSERT INTO account_tokens … RETURNING 1` for the links, to embed as a CTE. */
export function accountLinksInsert(links: readonly NewAccountLink[]): Prisma.Sql {
  const rows = links.map((link) => ({
    id: link.id,
    kind: link.kind,
    user_id: link.userId,
    token_hash: link.tokenHash,
    email: link.email,
    mark_email_verified: link.markEmailVerified,
    created_at: link.createdAt.toISOString(),
    expires_at: link.expiresAt.toISOString(),
    created_by_id: link.createdById,
  }));
  return Prisma.sql`
    INSERT INTO account_tokens (id, kind, user_id, token_hash, email, mark_email_verified, created_at, expires_at, created_by_id)
    SELECT id, kind, user_id, token_hash, email, mark_email_verified, created_at, expires_at, created_by_id
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id uuid, kind text, user_id uuid, token_hash text, email text,
      mark_email_verified boolean, created_at timestamp, expires_at timestamp, created_by_id uuid)
    RETURNING 1`;
}

/** Revokes the user's links of `kind` that could still be used (a new one replaces them; an admin withdraws them). */
export async function revokeOpenLinks(tx: Prisma.TransactionClient, userId: string, kind: AccountLinkKind): Promise<number> {
  return tx.$executeRaw`
    UPDATE account_tokens SET revoked_at = (now() AT TIME ZONE 'UTC')
    WHERE user_id = ${userId}::uuid AND kind = ${kind} AND used_at IS NULL AND revoked_at IS NULL
      AND expires_at > (now() AT TIME ZONE 'UTC')`;
}

export type LinkProblem = "invalid" | "expired" | "used" | "revoked";

export const LINK_PROBLEM_MESSAGES: Record<LinkProblem, string> = {
  invalid: "This link is not valid. Check that you opened the whole link from the mail, or ask for a new one.",
  expired: "This link has expired. Ask for a new one.",
  used: "This link has already been used. Each link works once; ask for a new one if you need it.",
  revoked: "This link was withdrawn (a newer one was sent, or an administrator revoked it). Use the newest mail or ask for a new one.",
};

export interface OpenLink {
  id: string;
  kind: AccountLinkKind;
  userId: string;
  email: string;
  markEmailVerified: boolean;
  expiresAt: Date;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Looks a presented token up (by its hash) without using it: the page shows the form, or why the link cannot work. */
export async function inspectAccountLink(
  kind: AccountLinkKind,
  token: string | null | undefined,
): Promise<{ ok: true; link: OpenLink } | { ok: false; problem: LinkProblem }> {
  if (!token || !TOKEN_SHAPE.test(token)) return { ok: false, problem: "invalid" };
  const prisma = await getPrisma();
  const row = await prisma.accountToken.findUnique({ where: { tokenHash: hashAccountToken(token) } });
  if (!row || row.kind !== kind) return { ok: false, problem: "invalid" };
  if (row.usedAt) return { ok: false, problem: "used" };
  if (row.revokedAt) return { ok: false, problem: "revoked" };
  if (row.expiresAt.getTime() <= Date.now()) return { ok: false, problem: "expired" };
  return {
    ok: true,
    link: { id: row.id, kind, userId: row.userId, email: row.email, markEmailVerified: row.markEmailVerified, expiresAt: row.expiresAt },
  };
}

/**
 * Uses the link inside the transaction of what it does: one conditional statement, so of two
 * concurrent uses exactly one succeeds. Returns false when it was used, revoked or expired meanwhile.
 */
export async function consumeAccountLink(tx: Prisma.TransactionClient, linkId: string): Promise<boolean> {
  const count = await tx.$executeRaw`
    UPDATE account_tokens SET used_at = (now() AT TIME ZONE 'UTC')
    WHERE id = ${linkId}::uuid AND used_at IS NULL AND revoked_at IS NULL AND expires_at > (now() AT TIME ZONE 'UTC')`;
  return count === 1;
}
