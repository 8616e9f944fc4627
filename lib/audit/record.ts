import crypto from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import { getDatabase } from "@/lib/db/client";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { isUuid, storableText } from "@/lib/schemas/common";

type Db = PrismaClient | Prisma.TransactionClient;

export interface AuditEntry {
  action: string;
  targetUserId?: string | null;
  targetEmail?: string | null;
  /** Never a password or a secret: names of changed fields, ids, outcomes. */
  details?: Prisma.InputJsonObject;
}

/** Who acted: an admin, or (for sign-in attempts) whoever presented an email. */
export interface AuditActor extends Pick<Actor, "channel" | "ipAddress" | "userAgent"> {
  id: string | null;
  email: string | null;
}

/**
 * The audit row must be written even when what failed was the text itself (a refused value echoed
 * in the message, a hook's error): NUL and lone surrogates, which PostgreSQL cannot store, become
 * U+FFFD in every string of the row, keys of the details included.
 */
const storable = (text: string | null | undefined): string | null => (text == null ? null : storableText(text));

function storableJson(details: Prisma.InputJsonObject): string {
  return JSON.stringify(details, (_key, value: unknown) => {
    if (typeof value === "string") return storableText(value);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storableText(key), inner]));
    }
    return value;
  });
}

/** A target id that came from a URL may be malformed; the entry keeps it in its details instead. */
function targetColumns(entry: AuditEntry) {
  const { targetUserId, details } = entry;
  if (!targetUserId || isUuid(targetUserId)) return { targetUserId: targetUserId ?? null, details: details ?? {} };
  return { targetUserId: null, details: { ...details, targetUserId: targetUserId.slice(0, 100) } };
}

/**
 * `INSERT INTO audit_logs …` for one entry: run alone, or embedded as a CTE in the statement that
 * makes the change so that both commit together.
 */
export function auditInsert(actor: AuditActor, entry: AuditEntry, failure?: { message: string }): Prisma.Sql {
  const { targetUserId, details } = targetColumns(entry);
  return Prisma.sql`
    INSERT INTO audit_logs (id, created_at, actor_id, actor_email, channel, action, target_user_id, target_email,
      ip_address, user_agent, result, error_message, details)
    VALUES (${crypto.randomUUID()}::uuid, ${new Date().toISOString()}::timestamp, ${actor.id}::uuid, ${storable(actor.email)},
      ${actor.channel}, ${storableText(entry.action)}, ${targetUserId}::uuid, ${storable(entry.targetEmail)},
      ${storable(actor.ipAddress?.slice(0, 100))}, ${storable(actor.userAgent?.slice(0, 500))},
      ${failure ? "failure" : "success"}, ${storable(failure?.message.slice(0, 2000))}, ${storableJson(details)}::jsonb)`;
}

/** Records a successful change; pass the transaction that made the change, so both commit together. */
export async function recordAudit(db: Db, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.$executeRaw(auditInsert(actor, entry));
}

/** Records a refused or failed change with the message the admin saw. Never throws. */
export async function recordAuditFailure(actor: AuditActor, entry: AuditEntry, error: unknown): Promise<void> {
  try {
    const message = error instanceof Error ? error.message : String(error);
    await (await getDatabase()).query(auditInsert(actor, entry, { message }));
  } catch (auditError) {
    console.error("Could not write the audit log entry for a failed action:", (auditError as Error).message);
  }
}

/** Runs a change and records its failure (the change itself records its success in its transaction). */
export async function auditFailures<T>(actor: AuditActor, entry: AuditEntry, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    await recordAuditFailure(actor, entry, error);
    throw error;
  }
}
