"use client";

import { useState } from "react";
import { FormAlert, TextAreaField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { exportAuditCheckpointAction, verifyAuditAction } from "@/lib/actions/audit";
import type { ChainReport } from "@/lib/audit/chain";

const STATUS_TEXT = { ok: "matches", pruned: "before the retention anchor (pruned)", mismatch: "does not match", missing: "is missing" } as const;

/** Verifies the audit chain (and checkpoints pasted in), and exports a checkpoint as a file (Auditors, Administrators). */
export function VerifyChainPanel() {
  const { error, pending, run, fieldError } = useAction();
  const [report, setReport] = useState<ChainReport | null>(null);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checkpoints = String(new FormData(event.currentTarget).get("checkpoints") ?? "");
    run(() => verifyAuditAction({ checkpoints }), setReport);
  }

  function exportCheckpoint() {
    run(
      () => exportAuditCheckpointAction({}),
      (checkpoint) => {
        const url = URL.createObjectURL(new Blob([`${JSON.stringify(checkpoint)}\n`], { type: "application/json" }));
        const link = document.createElement("a");
        link.href = url;
        link.download = `delegate-audit-checkpoint-${checkpoint.seq}.json`;
        link.click();
        URL.revokeObjectURL(url);
      },
    );
  }

  return (
    <details className="panel">
      <summary>Verify the audit log</summary>
      <form onSubmit={onSubmit} noValidate aria-label="Verify the audit log">
        <p className="muted">
          Each entry carries a hash chained to the one before. Verifying recomputes every hash and names the first entry edited, removed or
          re-ordered. Export a checkpoint now and then and keep it outside Delegate: pasted here later, it also detects a log cut short.
        </p>
        <FormAlert error={error} />
        <TextAreaField id="audit-checkpoints" name="checkpoints" label="Checkpoints (optional)" rows={3} hint="One exported checkpoint a line." error={fieldError("checkpoints")} />
        <button type="submit" disabled={pending}>
          {pending ? "Verifying…" : "Verify"}
        </button>{" "}
        <button type="button" className="secondary" onClick={exportCheckpoint} disabled={pending}>
          Export checkpoint
        </button>
      </form>
      {report && (
        <div role="status" className={report.ok ? "alert ok" : "alert"}>
          {report.ok ? (
            <p>
              The audit log is intact: {report.checked} {report.checked === 1 ? "entry" : "entries"} checked, from entry {BigInt(report.anchor.seq) + 1n} to {report.head.seq}.
            </p>
          ) : (
            <p>
              <strong>The audit log was tampered with.</strong> {report.problem?.message}
              {report.problem?.entry_id && (
                <>
                  {" "}
                  Entry id: <code>{report.problem.entry_id}</code>.
                </>
              )}
            </p>
          )}
          {report.checkpoints.length > 0 && (
            <ul>
              {report.checkpoints.map((checkpoint) => (
                <li key={`${checkpoint.seq}-${checkpoint.hash}`}>
                  Checkpoint at entry {checkpoint.seq} {STATUS_TEXT[checkpoint.status]}.
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </details>
  );
}
