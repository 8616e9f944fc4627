import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import type { HookKind } from "../kinds";
import { writeHookVersion } from "./save-hook";

/** Disables a hook without deleting it (the console's built-in behaviour applies meanwhile), or enables it. */
export async function setHookEnabled(actor: Actor, input: { kind: HookKind; enabled: boolean }): Promise<{ version: number }> {
  const action = input.enabled ? "hook.enable" : "hook.disable";
  return auditFailures(actor, { action, details: { kind: input.kind } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    return prisma.$transaction(async (tx) => {
      const hook = await tx.hook.findUnique({ where: { kind: input.kind } });
      // A hook with drafts only has nothing to enable: its code has never been deployed.
      if (hook?.deployedVersion == null) throw notFound("This hook has never been deployed.");
      const { version, changes } = await writeHookVersion(
        tx,
        actor,
        { kind: input.kind, code: hook.code, enabled: input.enabled, timeoutMs: hook.timeoutMs },
        input.enabled ? "enable" : "disable",
      );
      await recordAudit(tx, actor, { action, details: { kind: input.kind, version, changes } });
      return { version };
    });
  });
}
