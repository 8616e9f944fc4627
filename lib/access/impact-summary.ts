import type { AdminImpact } from "@/lib/schemas/impact";
import type { UserAction } from "@/lib/users/access";

/** "may now <verb> IT users". */
const ACTION_VERBS: Record<UserAction, string> = {
  "read:user": "see",
  "delete:user": "delete",
  "change:profile": "change the profile of",
  "change:email": "change the email of",
  "change:username": "change the username of",
  "change:password": "change the password of",
  "block:user": "block",
  "unblock:user": "unblock",
  "read:logs": "read the logs of",
  "verify:email": "verify the email of",
  "reset:password": "reset the password of",
  "send:verification-email": "send a verification email to",
  "send:invitation": "send an invitation to",
  "revoke:invitation": "revoke the invitation of",
  "revoke:sessions": "sign out",
};

const list = (items: string[]) => items.join(", ");

function whose(users: { memberships: string[] }[]): string {
  const memberships = [...new Set(users.flatMap((user) => user.memberships))].sort();
  return memberships.length ? `${list(memberships)} users` : "users without a membership";
}

/** The admin's row of the preview as one line: "Kelly Finance: +240 visible, −3; may now delete IT users". */
export function summarize(label: string, impact: Omit<AdminImpact, "summary" | "changed" | "admin">): { summary: string; changed: boolean } {
  if (impact.error) return { summary: `${label}: ${impact.error}`, changed: false };
  const parts: string[] = [];
  const { visibility, actions, memberships, settings } = impact;
  if (visibility) {
    const counts = `+${visibility.newly_visible} visible, −${visibility.no_longer_visible}`;
    if (visibility.newly_visible || visibility.no_longer_visible) parts.push(counts);
    if (visibility.errors.after && !visibility.errors.before) parts.push(`the draft fails for them: ${visibility.errors.after}`);
    if (visibility.errors.before && !visibility.errors.after) parts.push("the draft no longer fails for them");
  }
  for (const change of actions?.changes ?? []) {
    parts.push(`may ${change.change === "allowed" ? "now" : "no longer"} ${ACTION_VERBS[change.action]} ${whose(change.users)}`);
  }
  if (memberships) {
    if (memberships.gained.length) parts.push(`gains the options ${list(memberships.gained)}`);
    if (memberships.lost.length) parts.push(`loses the options ${list(memberships.lost)}`);
    const create = memberships.create_memberships;
    if (create.before !== create.after) parts.push(create.after ? "may now type new memberships" : "may no longer type new memberships");
    if (memberships.errors.after && !memberships.errors.before) parts.push(`the draft fails for them: ${memberships.errors.after}`);
  }
  if (settings) {
    const create = settings.can_create_user;
    if (create.before !== create.after) parts.push(create.after ? "may now create users" : "may no longer create users");
    const others = settings.changed.filter((key) => key !== "canCreateUser");
    if (others.length) parts.push(`settings change: ${list(others)}`);
    if (settings.errors.after && !settings.errors.before) parts.push(`the draft fails for them: ${settings.errors.after}`);
  }
  return parts.length ? { summary: `${label}: ${parts.join("; ")}`, changed: true } : { summary: `${label}: no change`, changed: false };
}
