import { can, permissionMessage, type Actor } from "@/lib/auth/actor";
import { adminRolesOf } from "@/lib/auth/roles";
import { DomainError } from "@/lib/errors";
import { accessVerdicts } from "@/lib/hooks/access-batch";
import { auth0User, hookRequest } from "@/lib/hooks/context";
import { executeHook, loadActiveHook } from "@/lib/hooks/execute";
import type { AccessEvaluation } from "@/lib/schemas/access";
import type { UserProfile } from "./profile";

/** The actions of the Access Hook contract, checked for every single-user read and change. */
export type UserAction =
  | "read:user"
  | "delete:user"
  | "change:profile"
  | "change:email"
  | "change:username"
  | "change:password"
  | "block:user"
  | "unblock:user"
  | "read:logs"
  | "verify:email"
  | "reset:password"
  | "send:verification-email"
  | "send:invitation"
  | "revoke:invitation"
  /** "Sign out everywhere": ends the user's application sessions and revokes their refresh tokens. */
  | "revoke:sessions";

/**
 * `read:logs` is one user's log view (their page's audit entries, as DAE's user log tab): open to whoever
 * may read users. The whole log (lib/audit/list-audit.ts) needs `logs:read` on top.
 */
function permissionFor(action: UserAction) {
  if (action === "read:user" || action === "read:logs") return "users:read" as const;
  return "users:write" as const;
}

/** Which of the console's checks decided an answer (for `POST /api/v2/access/evaluate`). */
export type AccessDecider = AccessEvaluation["decided_by"];

export interface AccessVerdict {
  allowed: boolean;
  decidedBy: AccessDecider;
  /** Why it was denied (the hook's own message for a hook); null when allowed. */
  message: string | null;
}

export const allowedBy = (decidedBy: AccessDecider): AccessVerdict => ({ allowed: true, decidedBy, message: null });
export const deniedBy = (decidedBy: AccessDecider, message: string): AccessVerdict => ({ allowed: false, decidedBy, message });

/** The role's and the built-in rules' denial of `action`, checked before the Access Hook; null when they allow it. */
export function roleAndRuleDenial(actor: Actor, user: UserProfile, action: UserAction): AccessVerdict | null {
  const permission = permissionFor(action);
  if (!can(actor, permission)) return deniedBy("role_permission", permissionMessage(permission));
  if (action === "delete:user" && user.user_id === actor.id) return deniedBy("built_in_rule", "You cannot delete your own account.");
  const changesAccount = action !== "read:user" && action !== "read:logs";
  if (changesAccount && user.user_id !== actor.id && adminRolesOf(user.app_metadata).length > 0 && !can(actor, "config:manage")) {
    return deniedBy("built_in_rule", "Only Administrators can change the accounts of other admins.");
  }
  return null;
}

/**
 * May the actor do `action` to `user`? First the role, then the built-in rules (nobody deletes their own
 * account; only Administrators change the accounts of other admins, otherwise a User admin could take
 * over an Administrator by resetting the password), then the Access Hook when one is saved:
 * `callback(new Error(msg))` denies with `msg`.
 */
export async function userAccessVerdict(actor: Actor, user: UserProfile, action: UserAction): Promise<AccessVerdict> {
  const denied = roleAndRuleDenial(actor, user, action);
  if (denied) return denied;
  const hook = await loadActiveHook("access");
  if (!hook) return allowedBy("role_permission");
  const run = await executeHook(hook, [{ request: hookRequest(actor), payload: { user: auth0User(user), action } }], {
    links: { userId: user.user_id },
    actor,
  });
  if (!run.ok) return deniedBy("access_hook", run.error?.message ?? "The Access Hook denied this action.");
  return allowedBy("access_hook");
}

/** `userAccessVerdict` for a request: a denial is a 403 with its message. */
export async function assertUserAccess(actor: Actor, user: UserProfile, action: UserAction): Promise<void> {
  const verdict = await userAccessVerdict(actor, user, action);
  if (!verdict.allowed) throw new DomainError("forbidden", verdict.message ?? "Denied.");
}

/**
 * The rows of a listed page the Access Hook lets the actor read (`read:user` for each, as DAE's
 * users list asks; all rows in one sandbox run, see accessVerdicts). A denied row is left out; DAE
 * fails the whole page instead, which hides every allowed user because of one. A refusal is an
 * ordinary answer and is not recorded; a hook that fails otherwise denies its row and the run is recorded.
 */
export async function readableRows(actor: Actor, users: UserProfile[]): Promise<{ users: UserProfile[]; hidden: number }> {
  const hook = await loadActiveHook("access");
  if (!hook || users.length === 0) return { users, hidden: 0 };
  const verdicts = await accessVerdicts(hook, actor, users);
  const readable = users.filter((_, index) => verdicts[index].allowed);
  return { users: readable, hidden: users.length - readable.length };
}
