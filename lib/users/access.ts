import { can, requirePermission, type Actor } from "@/lib/auth/actor";
import { adminRolesOf } from "@/lib/auth/roles";
import { DomainError } from "@/lib/errors";
import { accessVerdicts } from "@/lib/hooks/access-batch";
import { auth0User, hookRequest } from "@/lib/hooks/context";
import { executeHook, loadActiveHook } from "@/lib/hooks/execute";
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

/**
 * May the actor do `action` to `user`? First the role, then the built-in rule that only
 * Administrators change the accounts of admins (otherwise a User admin could take over an
 * Administrator by resetting the password), then the Access Hook when one is saved:
 * `callback(new Error(msg))` denies with `msg` (403).
 */
export async function assertUserAccess(actor: Actor, user: UserProfile, action: UserAction): Promise<void> {
  requirePermission(actor, permissionFor(action));
  const changesAccount = action !== "read:user" && action !== "read:logs";
  if (changesAccount && user.user_id !== actor.id && adminRolesOf(user.app_metadata).length > 0 && !can(actor, "config:manage")) {
    throw new DomainError("forbidden", "Only Administrators can change the accounts of other admins.");
  }
  const hook = await loadActiveHook("access");
  if (!hook) return;
  const run = await executeHook(hook, [{ request: hookRequest(actor), payload: { user: auth0User(user), action } }], {
    links: { userId: user.user_id },
    actor,
  });
  if (!run.ok) throw new DomainError("forbidden", run.error?.message ?? "The Access Hook denied this action.");
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
