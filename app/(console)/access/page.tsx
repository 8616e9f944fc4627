import { Forbidden } from "@/components/ui/notice";
import { EvaluationResult } from "@/components/access/evaluation-result";
import { evaluateAccess } from "@/lib/access/evaluate-access";
import { findUsersByEmail, listEvaluableAdmins } from "@/lib/access/evaluation-choices";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import { EVALUATED_ACTIONS, type AccessEvaluation, type EvaluatedAction } from "@/lib/schemas/access";

export const metadata = { title: "Evaluate access · Delegate" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const ACTION_LABELS: Record<EvaluatedAction, string> = {
  "list:user": "See the user in the users list",
  "read:user": "Open the user (read:user)",
  "change:profile": "Change the profile (change:profile)",
  "change:email": "Change the email (change:email)",
  "change:username": "Change the username (change:username)",
  "change:password": "Change the password (change:password)",
  "block:user": "Block (block:user)",
  "unblock:user": "Unblock (unblock:user)",
  "delete:user": "Delete (delete:user)",
  "read:logs": "Read the user's logs (read:logs)",
  "verify:email": "Mark the email verified (verify:email)",
  "reset:password": "Send a password reset (reset:password)",
  "send:verification-email": "Send a verification email (send:verification-email)",
  "send:invitation": "Send the invitation again (send:invitation)",
  "revoke:invitation": "Revoke the invitation (revoke:invitation)",
  "revoke:sessions": "Sign the user out everywhere (revoke:sessions)",
  "create:user": "Create a user (in a membership)",
};

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() ?? "";

/** "Why can (or can't) this admin do this?" (lib/access/evaluate-access.ts): a GET form, so an answer is a shareable URL. */
export default async function EvaluateAccessPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireSessionActor();
  if (!can(actor, "access:evaluate")) {
    return <Forbidden title="Evaluate access" message="Only Administrators and Auditors can evaluate other admins' access." />;
  }
  const params = await searchParams;
  const values = { admin_id: one(params.admin_id), user: one(params.user), action: one(params.action) || "list:user", membership: one(params.membership) };
  const admins = await listEvaluableAdmins(actor);

  let result: AccessEvaluation | null = null;
  let problem: string | null = null;
  if (values.admin_id) {
    try {
      const users = values.action === "create:user" || !values.user ? [] : await findUsersByEmail(actor, values.user);
      if (values.action !== "create:user" && users.length === 0) {
        problem = values.user ? `There is no user with the email ${values.user}.` : "Enter the email of the user the action is on.";
      } else {
        result = await evaluateAccess(actor, {
          admin_id: values.admin_id,
          user_id: users[0]?.id,
          action: values.action as EvaluatedAction,
          membership: values.membership || undefined,
        });
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problem = error.message;
    }
  }

  return (
    <>
      <h1>Evaluate access</h1>
      <p className="muted">
        Why can (or can&apos;t) an admin do something to a user? Delegate runs the checks that admin&apos;s own request would run — role,
        built-in rules, Filter Hook, Access Hook, Memberships and Settings Query Hooks — with the saved hooks, and says which one decided.
        Nothing is written. The API (<code>POST /api/v2/access/evaluate</code>) also runs a hook draft.
      </p>
      <form method="get" action="/access" className="panel" aria-label="Evaluation">
        <div className="field">
          <label htmlFor="evaluate-admin">Admin</label>
          <select id="evaluate-admin" name="admin_id" defaultValue={values.admin_id} required>
            <option value="">Choose an admin</option>
            {admins.map((admin) => (
              <option key={admin.id} value={admin.id}>
                {admin.email} ({admin.roles.map((role) => role.replace("Delegated Admin - ", "")).join(", ")})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="evaluate-action">Action</label>
          <select id="evaluate-action" name="action" defaultValue={values.action}>
            {EVALUATED_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {ACTION_LABELS[action]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="evaluate-user">User&apos;s email</label>
          <input id="evaluate-user" name="user" type="email" defaultValue={values.user} aria-describedby="evaluate-user-hint" />
          <span id="evaluate-user-hint" className="hint">
            Not needed to evaluate creating a user.
          </span>
        </div>
        <div className="field">
          <label htmlFor="evaluate-membership">Membership</label>
          <input id="evaluate-membership" name="membership" defaultValue={values.membership} aria-describedby="evaluate-membership-hint" />
          <span id="evaluate-membership-hint" className="hint">
            For creating a user: the membership to create it in.
          </span>
        </div>
        <button type="submit">Evaluate</button>
      </form>
      {problem && (
        <div role="alert" className="alert">
          {problem}
        </div>
      )}
      {result && <EvaluationResult result={result} />}
    </>
  );
}
