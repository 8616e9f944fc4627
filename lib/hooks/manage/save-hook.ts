import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { SaveHookInput } from "@/lib/schemas/hook";
import { HOOK_NAMES, type HookKind } from "../kinds";
import { activeHooks } from "../execute";
import { checkHookSyntax } from "../sandbox";

/** Compiles the code in the sandbox: a syntax error is a field error with its line and column. */
export function assertCompiles(kind: HookKind, code: string): void {
  const check = checkHookSyntax(code);
  if (!check.ok) {
    const message = `${HOOK_NAMES[kind]} has a syntax error at line ${check.line}, column ${check.column}: ${check.message}`;
    throw new DomainError("validation", message, { code: message });
  }
}

type Tx = Prisma.TransactionClient;

/** Writes the hook and a new version of it; returns the version number. */
export async function writeHookVersion(
  tx: Tx,
  actor: Pick<Actor, "id" | "email">,
  hook: { kind: HookKind; code: string; enabled: boolean; timeoutMs: number },
  reason: "save" | "restore" | "enable" | "disable",
): Promise<number> {
  await tx.hook.upsert({
    where: { kind: hook.kind },
    create: hook,
    update: { code: hook.code, enabled: hook.enabled, timeoutMs: hook.timeoutMs },
  });
  const last = await tx.hookVersion.findFirst({ where: { kind: hook.kind }, orderBy: { version: "desc" } });
  const version = (last?.version ?? 0) + 1;
  await tx.hookVersion.create({
    data: { ...hook, version, authorId: actor.id, authorEmail: actor.email, reason },
  });
  activeHooks.clear();
  return version;
}

export async function saveHook(actor: Actor, input: SaveHookInput): Promise<{ version: number }> {
  return auditFailures(actor, { action: "hook.save", details: { kind: input.kind } }, async () => {
    requirePermission(actor, "config:manage");
    assertCompiles(input.kind, input.code);
    const prisma = await getPrisma();
    return prisma.$transaction(async (tx) => {
      const version = await writeHookVersion(tx, actor, input, "save");
      await recordAudit(tx, actor, {
        action: "hook.save",
        details: { kind: input.kind, version, enabled: input.enabled, timeoutMs: input.timeoutMs },
      });
      return { version };
    });
  });
}
