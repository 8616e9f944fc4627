import { Forbidden } from "@/components/ui/notice";
import { EvaluationResult } from "@/components/access/evaluation-result";
import { evaluateAccessByEmail } from "@/lib/access/evaluate-access";
import { listEvaluableAdmins } from "@/lib/access/evaluation-choices";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import { EVALUATED_ACTION_LABELS, EVALUATED_ACTIONS, type AccessEvaluation, type EvaluatedAction } from "@/lib/schemas/access";

export const metadata = { title: "Evaluate access · Delegate" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

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
      result = await evaluateAccessByEmail(actor, {
        admin_id: values.admin_id,
        user: values.user,
        action: values.action as EvaluatedAction,
        membership: values.membership,
      });
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
        Nothing is written. A hook&apos;s unsaved code is evaluated from its editor (Hooks → a hook → Evaluate with this draft), and by the API (<code>POST /api/v2/access/evaluate</code>).
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
                {EVALUATED_ACTION_LABELS[action]}
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
