"use client";

import { useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { runHookDraftAction } from "@/lib/actions/hooks";
import type { RunnerResult } from "@/lib/hooks/manage/run-hook-draft";
import type { HookKind } from "@/lib/hooks/kinds";
import styles from "./hooks.module.css";

const OUTCOMES: Record<string, string> = {
  success: "Succeeded",
  error: "Failed",
  timeout: "Timed out",
  memory: "Out of memory",
  invalid_result: "Invalid result",
};

/**
 * The Runner: runs the code in the editor, saved or not, against an editable JSON context in the
 * sandbox, and shows the result or the error, the captured logs and the duration. Nothing is saved.
 */
export function HookRunner({
  kind,
  code,
  timeoutMs,
  sampleContext,
}: {
  kind: HookKind;
  code: string;
  timeoutMs: string;
  sampleContext: string;
}) {
  const { error, pending, run, fieldError } = useAction();
  const [context, setContext] = useState(sampleContext);
  const [output, setOutput] = useState<RunnerResult | null>(null);
  const contextError = fieldError("context");

  function onRun(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setOutput(null);
    run(() => runHookDraftAction({ kind, code, context, timeoutMs: Number(timeoutMs) || undefined }), setOutput);
  }

  return (
    <section aria-labelledby="runner-title" className={`panel ${styles.runner}`}>
      <form onSubmit={onRun} noValidate aria-labelledby="runner-title">
        <h2 id="runner-title">Runner</h2>
        <p className="muted">
          Runs the code in the editor, saved or not, with this context. Nothing is saved and no user is written.
        </p>
        {!contextError && <FormAlert error={error} />}
        <div className="field">
          <label htmlFor="runner-context">Context</label>
          <textarea
            id="runner-context"
            className={styles.context}
            value={context}
            onChange={(event) => setContext(event.target.value)}
            spellCheck={false}
            wrap="off"
            aria-invalid={contextError ? true : undefined}
            aria-describedby={contextError ? "runner-context-error" : "runner-context-hint"}
          />
          {contextError ? (
            <span id="runner-context-error" className="field-error">
              {contextError}
            </span>
          ) : (
            <span id="runner-context-hint" className="hint">
              {kind === "post_registration" ? (
                <>
                  JSON: the hook&apos;s two arguments, <code>user</code> and <code>context</code>. Pre-filled with the
                  Runner&apos;s sample body of the post-user-registration extensibility point.
                </>
              ) : (
                <>
                  JSON: the hook&apos;s <code>ctx</code>. Pre-filled with you as <code>request.user</code> and a sample
                  payload.
                </>
              )}
            </span>
          )}
        </div>
        <div className="actions">
          <button type="submit" disabled={pending}>
            {pending ? "Running…" : "Run"}
          </button>
          <button type="button" className="secondary" onClick={() => setContext(sampleContext)}>
            Reset context
          </button>
        </div>
      </form>
      <div aria-live="polite" className={styles.output}>
        {output && <RunnerOutput output={output} />}
      </div>
    </section>
  );
}

function RunnerOutput({ output }: { output: RunnerResult }) {
  return (
    <section aria-label="Run output">
      <p className={styles.outcome}>
        <span className={`badge ${output.ok ? "ok" : "danger"}`}>{OUTCOMES[output.outcome] ?? output.outcome}</span>{" "}
        <span>in {output.durationMs} ms</span>
      </p>
      {output.ok ? (
        <>
          <h3 id="runner-result-title">Result</h3>
          {output.result === undefined ? (
            <p className="muted">The hook called back without a result.</p>
          ) : (
            <pre className="json" aria-labelledby="runner-result-title">
              {JSON.stringify(output.result, null, 2)}
            </pre>
          )}
        </>
      ) : (
        <>
          <h3 id="runner-error-title">Error</h3>
          <pre className={styles.error} aria-labelledby="runner-error-title">
            {output.error?.message ?? "The hook failed."}
          </pre>
        </>
      )}
      <h3 id="runner-logs-title">Logs</h3>
      {output.logs.length ? (
        <ol className={styles.logs} aria-labelledby="runner-logs-title">
          {output.logs.map((entry, index) => (
            <li key={index} data-level={entry.level}>
              <span className={styles.logLevel}>{entry.level}</span> {entry.message}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">Nothing was logged.</p>
      )}
    </section>
  );
}
