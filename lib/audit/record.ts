import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { isUuid } from "@/lib/schemas/common";

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

function actorColumns(actor: AuditActor) {
  return {
    actorId: actor.id,
    actorEmail: actor.email,
    channel: actor.channel,
    ipAddress: actor.ipAddress?.slice(0, 100) ?? null,
    userAgent: actor.userAgent?.slice(0, 500) ?? null,
  };
}

/** A target id that came from a URL may be malformed; the entry keeps it in its details instead. */
function targetColumns(entry: AuditEntry) {
  const { targetUserId, details, ...rest } = entry;
  if (!targetUserId || isUuid(targetUserId)) return { ...rest, targetUserId: targetUserId ?? null, details: details ?? {} };
  return { ...rest, targetUserId: null, details: { ...details, targetUserId: targetUserId.slice(0, 100) } };
}

/** Records a successful change; pass the transaction that made the change, so both commit together. */
export async function recordAudit(db: Db, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: { ...actorColumns(actor), ...targetColumns(entry), result: "success" },
  });
}

/** Records a refused or failed change with the message the admin saw. Never throws. */
export async function recordAuditFailure(actor: AuditActor, entry: AuditEntry, error: unknown): Promise<void> {
  try {
    const prisma = await getPrisma();
    const message = error instanceof Error ? error.message : String(error);
    await prisma.auditLog.create({
      data: {
        ...actorColumns(actor),
        ...targetColumns(entry),
        result: "failure",
        errorMessage: message.slice(0, 2000),
      },
    });
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
