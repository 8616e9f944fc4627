"use client";

import { useEffect, useRef, useState } from "react";
import { EvaluationResult } from "@/components/access/evaluation-result";
import { FormAlert, SelectField, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { evaluateAccessAction } from "@/lib/actions/access";
import type { AccessEvaluation, EvaluatedAction } from "@/lib/schemas/access";
import { EVALUATED_ACTION_LABELS, EVALUATED_ACTIONS } from "@/lib/schemas/access";

export interface DraftEvaluationAdmin {
  id: string;
  label: string;
}

/**
 * "Evaluate with this draft": the evaluation page's question (may this admin do this to this user?) answered
 * with the editor's code in place of the saved hook of its kind, saved or not. Nothing is written.
 */
export function DraftEvaluation({
  kind,
  name,
  code,
  timeoutMs,
  admins,
}: {
  kind: "filter" | "access" | "memberships" | "settings";
  name: string;
  code: string;
  timeoutMs: string;
  admins: DraftEvaluationAdmin[];
}) {
  const { error, pending, run, fieldError } = useAction();
  const [result, setResult] = useState<{ code: string; evaluation: AccessEvaluation } | null>(null);
  const [action, setAction] = useState<EvaluatedAction>("list:user");
  const panel = useRef<HTMLElement>(null);

  // The answer takes focus once it is on screen, as on the evaluation page.
  useEffect(() => {
    if (result) panel.current?.querySelector<HTMLElement>("#evaluation-verdict")?.focus();
  }, [result]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const evaluated = code;
    const timeout = Number(timeoutMs);
    run(
      () =>
        evaluateAccessAction({
          admin_id: String(form.get("admin_id") ?? ""),
          user: String(form.get("user") ?? ""),
          action,
          membership: String(form.get("membership") ?? ""),
          draft: { kind, code: evaluated, timeout_ms: timeout >= 50 && timeout <= 10_000 ? timeout : 500 },
        }),
      (evaluation) => setResult({ code: evaluated, evaluation }),
    );
  }

  return (
    <section aria-labelledby="draft-evaluation-title" className="panel" ref={panel}>
      <h2 id="draft-evaluation-title">Evaluate with this draft</h2>
      <p className="muted">
        May an admin do something to a user with the code in the editor as the {name}, saved or not? The other hooks run as deployed.
        Nothing is written.
      </p>
      <form onSubmit={onSubmit} aria-label="Evaluate with this draft" noValidate>
        <FormAlert error={error} />
        <SelectField
          id="draft-evaluation-admin"
          name="admin_id"
          label="Admin"
          required
          error={fieldError("admin_id")}
          options={[{ value: "", label: "Choose an admin" }, ...admins.map((admin) => ({ value: admin.id, label: admin.label }))]}
        />
        <SelectField
          id="draft-evaluation-action"
          name="action"
          label="Action"
          value={action}
          onChange={(event) => setAction(event.target.value as EvaluatedAction)}
          error={fieldError("action")}
          options={EVALUATED_ACTIONS.map((value) => ({ value, label: EVALUATED_ACTION_LABELS[value] }))}
        />
        {action === "create:user" ? (
          <TextField id="draft-evaluation-membership" name="membership" label="Membership" hint="The membership to create the user in." error={fieldError("membership")} />
        ) : (
          <TextField id="draft-evaluation-user" name="user" type="email" label="User's email" error={fieldError("user")} />
        )}
        <button type="submit" className="secondary" disabled={pending}>
          {pending ? "Evaluating…" : "Evaluate with this draft"}
        </button>
      </form>
      {result && (
        <>
          {result.code.trim() !== code.trim() && (
            <p role="status" className="hint">
              The code has changed since this answer: evaluate again.
            </p>
          )}
          <EvaluationResult result={result.evaluation} />
        </>
      )}
    </section>
  );
}
