import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import type { HookKind } from "../kinds";
import { writeHookVersion } from "./save-hook";

/** Makes an earlier version current again, as a new version (history is never rewritten). */
export async function restoreHookVersion(actor: Actor, input: { kind: HookKind; version: number }): Promise<{ version: number }> {
  return auditFailures(actor, { action: "hook.restore", details: input }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    return prisma.$transaction(async (tx) => {
      const old = await tx.hookVersion.findUnique({ where: { kind_version: { kind: input.kind, version: input.version } } });
      if (!old) throw notFound(`There is no version ${input.version} of this hook.`);
      const { version, changes } = await writeHookVersion(
        tx,
        actor,
        { kind: input.kind, code: old.code, enabled: old.enabled, timeoutMs: old.timeoutMs },
        "restore",
      );
      await recordAudit(tx, actor, { action: "hook.restore", details: { kind: input.kind, restored: input.version, version, changes } });
      return { version };
    });
  });
}
