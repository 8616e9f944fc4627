/**
 * What an Access, Memberships Query or Settings Query Hook draft changes for one admin, against the
 * deployed version. Every run is inside `withinEvaluation`: nothing is recorded, `ctx.write` does nothing.
 */
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { getMembershipOptions, type MembershipOptions } from "@/lib/departments/memberships";
import { DomainError } from "@/lib/errors";
import { batchDriver } from "@/lib/hooks/access-batch";
import { getConsoleSettings, type ConsoleSettings } from "@/lib/hooks/console-settings";
import { auth0User, hookRequest } from "@/lib/hooks/context";
import { withinEvaluation, type DraftHook } from "@/lib/hooks/evaluation-scope";
import { executeHook, loadActiveHook } from "@/lib/hooks/execute";
import { USER_ACTIONS } from "@/lib/schemas/access";
import type { actionsImpactSchema, membershipsImpactSchema, settingsImpactSchema } from "@/lib/schemas/impact";
import { roleAndRuleDenial, type UserAction } from "@/lib/users/access";
import { toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";

type ActionsImpact = z.infer<typeof actionsImpactSchema>;
type MembershipsImpact = z.infer<typeof membershipsImpactSchema>;
type SettingsImpact = z.infer<typeof settingsImpactSchema>;

/** The same users for every admin, spread over the tenant (by a hash of the id, so the sample is stable). */
export async function sampleUsers(size: number): Promise<UserProfile[]> {
  const prisma = await getPrisma();
  const ids = await prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM users ORDER BY md5(id::text) LIMIT ${size}`;
  const rows = await prisma.user.findMany({ where: { id: { in: ids.map((row) => row.id) } }, select: userSelect, orderBy: { email: "asc" } });
  return rows.map(toUserProfile);
}

export function membershipsOf(user: UserProfile): string[] {
  const meta = user.app_metadata as { memberships?: unknown; department?: unknown };
  if (Array.isArray(meta.memberships)) return meta.memberships.filter((m): m is string => typeof m === "string");
  return typeof meta.department === "string" ? [meta.department] : [];
}

/**
 * Every action on every sampled user that the role and the built-in rules leave to the Access Hook, asked
 * of the deployed hook and of the draft, each in one sandbox run (as the list asks `read:user`).
 */
export async function actionsImpact(actor: Actor, draft: DraftHook, sample: UserProfile[]): Promise<ActionsImpact> {
  const asked = sample.flatMap((user) =>
    USER_ACTIONS.filter((action) => !roleAndRuleDenial(actor, user, action)).map((action) => ({ user, action })),
  );
  const [before, after] = await Promise.all([allowedRows(actor, [], asked), allowedRows(actor, [draft], asked)]);
  const groups = new Map<string, ActionsImpact["changes"][number]>();
  let newlyAllowed = 0;
  let newlyDenied = 0;
  asked.forEach(({ user, action }, index) => {
    if (before[index] === after[index]) return;
    const change = after[index] ? "allowed" : "denied";
    if (change === "allowed") newlyAllowed++;
    else newlyDenied++;
    const key = `${change} ${action}`;
    const group = groups.get(key) ?? { action, change, users: [] };
    group.users.push({ id: user.user_id, email: user.email, memberships: membershipsOf(user) });
    groups.set(key, group);
  });
  return { sampled_users: sample.length, newly_allowed: newlyAllowed, newly_denied: newlyDenied, changes: [...groups.values()] };
}

/** Whether the Access Hook on this side allows each row; without a hook the role's answer (allowed) stands. */
async function allowedRows(actor: Actor, drafts: DraftHook[], asked: { user: UserProfile; action: UserAction }[]): Promise<boolean[]> {
  return withinEvaluation(drafts, async () => {
    const hook = await loadActiveHook("access");
    if (!hook || asked.length === 0) return asked.map(() => true);
    const rows = asked.map(({ user, action }) => ({ payload: { user: auth0User(user), action } }));
    const run = await executeHook(
      { ...hook, code: batchDriver(hook.code), timeoutMs: hook.timeoutMs * Math.ceil(rows.length / 25) },
      [{ rows, request: hookRequest(actor) }],
      { actor, adminCode: hook.code },
    );
    // A failed run (timeout, memory) denies every row, as it denies a listed page's rows.
    const verdicts = run.ok && Array.isArray(run.result) && run.result.length === rows.length ? (run.result as unknown[]) : null;
    return rows.map((_, index) => (verdicts?.[index] as { allowed?: unknown } | null)?.allowed === true);
  });
}

async function bothSides<T>(drafts: DraftHook[], read: () => Promise<T>): Promise<{ value: T | null; error: string | null }[]> {
  return Promise.all(
    [[], drafts].map(async (side) => {
      try {
        return { value: await withinEvaluation(side, read), error: null };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { value: null, error: error.message };
      }
    }),
  );
}

/** The Memberships field's options with each version; a failing hook offers none (as the forms show it). */
export async function membershipsImpact(actor: Actor, draft: DraftHook): Promise<MembershipsImpact> {
  const [before, after] = await bothSides<MembershipOptions>([draft], () => getMembershipOptions(actor));
  const options = (side: typeof before) => side.value ?? { memberships: [], createMemberships: false };
  const [was, is] = [options(before), options(after)];
  return {
    before: was.memberships,
    after: is.memberships,
    gained: is.memberships.filter((m) => !was.memberships.includes(m)),
    lost: was.memberships.filter((m) => !is.memberships.includes(m)),
    create_memberships: { before: was.createMemberships, after: is.createMemberships },
    errors: { before: before.error, after: after.error },
  };
}

/** The console's settings with each version: `canCreateUser` and which settings differ. */
export async function settingsImpact(actor: Actor, draft: DraftHook): Promise<SettingsImpact> {
  const [before, after] = await bothSides<ConsoleSettings>([draft], () => getConsoleSettings(actor));
  const keys = [...new Set([...Object.keys(before.value ?? {}), ...Object.keys(after.value ?? {})])].sort();
  const read = (side: typeof before, key: string) => JSON.stringify((side.value as Record<string, unknown> | null)?.[key] ?? null);
  return {
    // A failing Settings Query Hook fails the create form: no creating on that side.
    can_create_user: { before: before.value?.canCreateUser ?? false, after: after.value?.canCreateUser ?? false },
    changed: keys.filter((key) => read(before, key) !== read(after, key)),
    errors: { before: before.error, after: after.error },
  };
}
