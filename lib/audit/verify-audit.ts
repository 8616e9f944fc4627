import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import type { VerifyAuditInput } from "@/lib/schemas/audit";
import { currentCheckpoint, verifyChain, type ChainReport } from "./chain";
import { recordAudit } from "./record";

/** The console's "Verify" button (Auditors, Administrators): the whole chain, and the checkpoints pasted. */
export async function verifyAuditLog(actor: Actor, input: VerifyAuditInput): Promise<ChainReport> {
  requirePermission(actor, "logs:verify");
  const prisma = await getPrisma();
  const report = await verifyChain(prisma, input.checkpoints);
  await recordAudit(prisma, actor, {
    action: "audit.verify",
    details: { ok: report.ok, checked: report.checked, checkpoints: input.checkpoints.length, ...(report.problem ? { problem: report.problem.message } : {}) },
  });
  return report;
}

/** The chain's head now, to keep outside the database (Auditors, Administrators). */
export async function exportAuditCheckpoint(actor: Actor) {
  requirePermission(actor, "logs:verify");
  const prisma = await getPrisma();
  const checkpoint = await currentCheckpoint(prisma);
  await recordAudit(prisma, actor, { action: "audit.checkpoint_export", details: { seq: checkpoint.seq } });
  return checkpoint;
}
