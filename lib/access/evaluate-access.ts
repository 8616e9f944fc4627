/**
 * "Why can (or can't) this admin do this?": runs, for one admin, one user and one action, the checks a
 * request of that admin runs (role, built-in rules, Filter Hook, Access Hook, Memberships and Settings
 * Query Hooks), with the saved hooks or a draft, and says which one decided, with the hook's message and
 * logs. Nothing is written (lib/hooks/evaluation-scope.ts): no hook execution, no custom data, no audit.
 */
import { can, loadActor, permissionMessage, requirePermission, type Actor } from "@/lib/auth/actor";
import { adminRolesOf } from "@/lib/auth/roles";
import { getPrisma } from "@/lib/db/client";
import { assertMembershipsAllowed } from "@/lib/departments/memberships";
import { DomainError, fieldError, notFound, parseInput } from "@/lib/errors";
import { getConsoleSettings } from "@/lib/hooks/console-settings";
import { withinEvaluation, type EvaluatedRun } from "@/lib/hooks/evaluation-scope";
import { HOOK_NAMES, type HookKind } from "@/lib/hooks/kinds";
import {
  evaluateAccessFormSchema,
  evaluateAccessSchema,
  type AccessEvaluation,
  type EvaluateAccessFormInput,
  type EvaluateAccessInput,
  type EvaluatedAction,
} from "@/lib/schemas/access";
import { allowedBy, deniedBy, userAccessVerdict, type AccessDecider, type AccessVerdict, type UserAction } from "@/lib/users/access";
import { userVisibilityCondition } from "@/lib/users/list-users";
import { toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";
import { findUsersByEmail } from "./evaluation-choices";

const HOOK_DECIDERS: Partial<Record<HookKind, AccessDecider>> = {
  filter: "filter_hook",
  access: "access_hook",
  memberships: "memberships_query_hook",
  settings: "settings_query_hook",
};

export async function evaluateAccess(evaluator: Actor, rawInput: EvaluateAccessInput): Promise<AccessEvaluation> {
  requirePermission(evaluator, "access:evaluate");
  const input = parseInput(evaluateAccessSchema, rawInput);
  // A draft is code that has not been saved: only those who may save hooks may run it.
  if (input.draft) requirePermission(evaluator, "config:manage");
  const drafts = input.draft ? [{ kind: input.draft.kind, code: input.draft.code, timeoutMs: input.draft.timeout_ms }] : [];
  const startedAt = performance.now();
  return withinEvaluation(drafts, async (runs) => {
    const verdict = await decide(input.admin_id, input.action, input.user_id, input.membership, runs);
    return {
      allowed: verdict.allowed,
      decided_by: verdict.decidedBy,
      message: verdict.message,
      hooks: runs.map(({ kind, run }) => ({
        hook: HOOK_NAMES[kind],
        outcome: run.outcome,
        duration_ms: Math.round(run.durationMs * 10) / 10,
        error: run.error?.message ?? null,
      })),
      logs: runs.flatMap(({ kind, run }) => run.logs.map((log) => ({ hook: HOOK_NAMES[kind], level: log.level, message: log.message }))),
      duration_ms: Math.round((performance.now() - startedAt) * 10) / 10,
      draft: drafts.length > 0,
    };
  });
}

/**
 * The console's evaluation: the user named by email (the first of that email, by connection), then
 * evaluateAccess. An email nobody has is a field error on `user`.
 */
export async function evaluateAccessByEmail(evaluator: Actor, rawInput: EvaluateAccessFormInput): Promise<AccessEvaluation> {
  const input = parseInput(evaluateAccessFormSchema, rawInput);
  let userId: string | undefined;
  if (input.action !== "create:user") {
    if (!input.user) throw fieldError("user", "Enter the email of the user the action is on.");
    userId = (await findUsersByEmail(evaluator, input.user))[0]?.id;
    if (!userId) throw fieldError("user", `There is no user with the email ${input.user}.`);
  }
  return evaluateAccess(evaluator, { admin_id: input.admin_id, user_id: userId, action: input.action, membership: input.membership, draft: input.draft });
}

async function decide(
  adminId: string,
  action: EvaluatedAction,
  userId: string | undefined,
  membership: string | undefined,
  runs: readonly EvaluatedRun[],
): Promise<AccessVerdict> {
  const admin = await evaluatedAdmin(adminId);
  if ("denied" in admin) return admin.denied;
  try {
    if (action === "create:user") return await createVerdict(admin.actor, membership);
    const user = await loadUser(userId!);
    if (action === "list:user") return await listVerdict(admin.actor, user);
    return await userAccessVerdict(admin.actor, user, action as UserAction);
  } catch (error) {
    // A hook that fails (throws, times out, answers out of contract) denies: say which.
    if (error instanceof DomainError && error.code === "hook") {
      const failed = runs.at(-1);
      return deniedBy((failed && HOOK_DECIDERS[failed.kind]) ?? "access_hook", error.message);
    }
    throw error;
  }
}

/** The admin as their own requests load them; a blocked admin or one without a role is an answer, not an error. */
async function evaluatedAdmin(adminId: string): Promise<{ actor: Actor } | { denied: AccessVerdict }> {
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { id: adminId }, select: { email: true, blocked: true, appMetadata: true } });
  if (!row) throw notFound("There is no admin with this id.");
  if (adminRolesOf(row.appMetadata).length === 0) {
    return { denied: deniedBy("role_permission", `${row.email} has no Delegated Admin role, so they cannot use the console.`) };
  }
  if (row.blocked) return { denied: deniedBy("built_in_rule", `${row.email} is blocked: they cannot sign in or act.`) };
  return { actor: await loadActor(adminId, "console") };
}

async function loadUser(userId: string): Promise<UserProfile> {
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { id: userId }, select: userSelect });
  if (!row) throw notFound("There is no user with this id.");
  return toUserProfile(row);
}

/** In the admin's users list: the role, the Filter Hook's restriction (in SQL, as the list), then `read:user` per row. */
async function listVerdict(admin: Actor, user: UserProfile): Promise<AccessVerdict> {
  if (!can(admin, "users:read")) return deniedBy("role_permission", permissionMessage("users:read"));
  const visibility = await userVisibilityCondition(admin);
  if (visibility) {
    const prisma = await getPrisma();
    const rows = await prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM users u JOIN connections c ON c.id = u.connection_id WHERE u.id = ${user.user_id}::uuid AND ${visibility}`;
    if (rows.length === 0) return deniedBy("filter_hook", "The Filter Hook's restriction leaves this user out of the admin's list.");
  }
  const read = await userAccessVerdict(admin, user, "read:user");
  if (!read.allowed || read.decidedBy === "access_hook") return read;
  return allowedBy(visibility ? "filter_hook" : "role_permission");
}

/** Creating a user (in a membership): the role, the Settings Query Hook's canCreateUser, the Memberships Query Hook. */
async function createVerdict(admin: Actor, membership: string | undefined): Promise<AccessVerdict> {
  if (!can(admin, "users:write")) return deniedBy("role_permission", permissionMessage("users:write"));
  const settings = await getConsoleSettings(admin);
  if (!settings.canCreateUser) return deniedBy("settings_query_hook", "Creating users is turned off for this admin (Settings Query Hook).");
  if (!membership) return allowedBy("settings_query_hook");
  try {
    await assertMembershipsAllowed(admin, [membership]);
  } catch (error) {
    if (error instanceof DomainError && error.code === "validation") return deniedBy("memberships_query_hook", error.message);
    throw error;
  }
  return allowedBy("memberships_query_hook");
}

