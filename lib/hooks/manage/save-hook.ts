import { requirePermission, type Actor } from "@/lib/auth/actor";
import { objectChanges, type FieldChange } from "@/lib/audit/changes";
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
export type HookVersionReason = "save" | "draft" | "restore" | "enable" | "disable";

/**
 * Writes a new version of the hook; returns its number. Every reason but "draft" deploys it: the hook's
 * row (what runs) becomes this version. A draft leaves what runs alone; a hook that only has drafts gets
 * a disabled row without a deployed version, so nothing runs.
 */
export async function writeHookVersion(
  tx: Tx,
  actor: Pick<Actor, "id" | "email">,
  hook: { kind: HookKind; code: string; enabled: boolean; timeoutMs: number; note?: string | null },
  reason: HookVersionReason,
): Promise<{ version: number; changes: FieldChange[] }> {
  const settings = { kind: hook.kind, code: hook.code, enabled: hook.enabled, timeoutMs: hook.timeoutMs };
  const deploy = reason !== "draft";
  // The row first, written either way: its row lock orders concurrent saves of one hook before they number versions.
  await tx.hook.upsert({
    where: { kind: hook.kind },
    create: { ...settings, enabled: deploy && settings.enabled },
    update: deploy ? { code: settings.code, enabled: settings.enabled, timeoutMs: settings.timeoutMs } : { updatedAt: new Date() },
  });
  const last = await tx.hookVersion.findFirst({ where: { kind: hook.kind }, orderBy: { version: "desc" } });
  const version = (last?.version ?? 0) + 1;
  await tx.hookVersion.create({
    data: { ...settings, note: hook.note || null, version, authorId: actor.id, authorEmail: actor.email, reason },
  });
  if (deploy) await tx.hook.update({ where: { kind: hook.kind }, data: { deployedVersion: version } });
  activeHooks.clear();
  return { version, changes: hookVersionChanges(last, { ...settings, version }) };
}

/**
 * What a new version changed against the one before it, for the audit entry: enabled and the timeout
 * before and after, and the code as the two version numbers (the versions keep the code itself).
 */
function hookVersionChanges(
  before: { version: number; code: string; enabled: boolean; timeoutMs: number } | null,
  after: { version: number; code: string; enabled: boolean; timeoutMs: number },
): FieldChange[] {
  const changes = objectChanges(before ? { enabled: before.enabled, timeout_ms: before.timeoutMs } : {}, { enabled: after.enabled, timeout_ms: after.timeoutMs }, ["enabled", "timeout_ms"]);
  if (before?.code !== after.code) changes.unshift({ field: "code", ...(before && { from: `version ${before.version}` }), to: `version ${after.version}` });
  return changes;
}

/**
 * Saves a new version of a hook. `draft: true` keeps it from running (Save draft); without it the version
 * is deployed at once (Deploy, and every caller from before drafts existed).
 */
export async function saveHook(actor: Actor, input: SaveHookInput): Promise<{ version: number; deployed: boolean }> {
  const action = input.draft ? "hook.draft" : "hook.save";
  return auditFailures(actor, { action, details: { kind: input.kind } }, async () => {
    requirePermission(actor, "config:manage");
    assertCompiles(input.kind, input.code);
    const prisma = await getPrisma();
    return prisma.$transaction(async (tx) => {
      const { version, changes } = await writeHookVersion(tx, actor, input, input.draft ? "draft" : "save");
      await recordAudit(tx, actor, {
        action,
        details: { kind: input.kind, version, enabled: input.enabled, timeoutMs: input.timeoutMs, ...(input.note && { note: input.note }), changes },
      });
      return { version, deployed: !input.draft };
    });
  });
}
