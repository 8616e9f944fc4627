import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { HOOK_KINDS, type HookKind } from "../kinds";

export async function listHooks(actor: Actor) {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const hooks = await prisma.hook.findMany();
  const byKind = new Map(hooks.map((hook) => [hook.kind, hook]));
  return HOOK_KINDS.map((kind) => ({ kind, hook: byKind.get(kind) ?? null }));
}

/**
 * The deployed hook (null when it was never deployed: not saved at all, or drafts only) and its versions,
 * newest first, drafts included.
 */
export async function getHookWithVersions(actor: Actor, kind: HookKind) {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const [hook, versions] = await Promise.all([
    prisma.hook.findUnique({ where: { kind } }),
    prisma.hookVersion.findMany({ where: { kind }, orderBy: { version: "desc" }, take: 100 }),
  ]);
  return { kind, hook: hook?.deployedVersion == null ? null : { ...hook, deployedVersion: hook.deployedVersion }, versions };
}

export async function listHookExecutions(actor: Actor, kind: HookKind, take = 50) {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  return prisma.hookExecution.findMany({ where: { kind }, orderBy: { createdAt: "desc" }, take });
}
