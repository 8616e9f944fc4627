"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useToast } from "@/components/ui/toast";
import { cancelJobAction, jobResultsAction, readJobAction } from "@/lib/actions/bulk-jobs";
import { actionData, FINISHED_JOB_STATUSES, JOB_POLL_MS } from "./job-polling";
import type { JobResultView } from "@/lib/jobs/job-results";
import type { BulkAction } from "@/lib/schemas/user-bulk";

/** A bulk job started from the users list, with the emails the page knew of the chosen users. */
export interface BulkRun {
  jobId: string;
  action: BulkAction;
  membership?: string;
  emails: Record<string, string>;
}

interface Summary {
  done: number;
  failed: number;
  total: number | null;
}

/** Results shown under the bar (refused users first); the API pages through all of them. */
const SHOWN_RESULTS = 1000;

const users = (n: number) => (n === 1 ? "user" : "users");

/** The words of each action: the running line, a result line, the results heading and the toast. */
export function bulkWords(action: BulkAction, membership = "") {
  const words: Record<BulkAction, { running: string; done: string; notDone: string; heading: string }> = {
    block: { running: "Blocking", done: "Blocked", notDone: "Not blocked", heading: "blocked" },
    unblock: { running: "Unblocking", done: "Unblocked", notDone: "Not unblocked", heading: "unblocked" },
    delete: { running: "Deleting", done: "Deleted", notDone: "Not deleted", heading: "deleted" },
    add_membership: { running: `Adding to ${membership}`, done: `Added to ${membership}`, notDone: `Not added to ${membership}`, heading: "added" },
    remove_membership: {
      running: `Removing from ${membership}`,
      done: `Removed from ${membership}`,
      notDone: `Not removed from ${membership}`,
      heading: "removed",
    },
    send_password_reset: { running: "Sending password reset emails to", done: "Password reset email sent", notDone: "Not sent", heading: "sent" },
  };
  return words[action];
}

function toastText(run: BulkRun, { done, failed }: Summary): string {
  const n = done + failed;
  const head =
    run.action === "add_membership"
      ? `Added ${done} of ${n} ${users(n)} to ${run.membership}.`
      : run.action === "remove_membership"
        ? `Removed ${done} of ${n} ${users(n)} from ${run.membership}.`
        : run.action === "send_password_reset"
          ? `Sent a password reset email to ${done} of ${n} ${users(n)}.`
          : `${bulkWords(run.action).done} ${done} of ${n} ${users(n)}.`;
  return `${head}${failed ? ` ${failed} refused: see the results.` : ""}`;
}

/**
 * Follows a bulk job: a progress bar while it runs (with Cancel), then each user's result, refused users first
 * with the single action's message. Focus goes to the progress heading, then to the results heading.
 */
export function BulkJobProgress({ run, onFinished, onClose }: { run: BulkRun; onFinished(): void; onClose(): void }) {
  const router = useRouter();
  const toast = useToast();
  const heading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState("pending");
  const [summary, setSummary] = useState<Summary>({ done: 0, failed: 0, total: null });
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<JobResultView[] | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const words = bulkWords(run.action, run.membership);
  const finished = FINISHED_JOB_STATUSES.has(status);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const job = await actionData(readJobAction({ id: run.jobId }));
        if (stopped) return;
        setSummary(job.summary as Summary);
        if (!FINISHED_JOB_STATUSES.has(job.status)) {
          setStatus(job.status);
          timer = setTimeout(poll, JOB_POLL_MS);
          return;
        }
        const [failed, done] = await Promise.all([
          actionData(jobResultsAction({ id: run.jobId, query: { status: "failed", take: SHOWN_RESULTS } })),
          actionData(jobResultsAction({ id: run.jobId, query: { status: "done", take: SHOWN_RESULTS } })),
        ]);
        if (stopped) return;
        const byEmail = (a: JobResultView, b: JobResultView) => emailOf(a).localeCompare(emailOf(b));
        setResults([...failed.results.sort(byEmail), ...done.results.sort(byEmail)]);
        setStatus(job.status);
        onFinished();
        if (job.error) setError(job.error);
        else toast(toastText(run, job.summary as Summary), { warning: (job.summary as Summary).failed > 0 || job.status === "cancelled" });
        router.refresh();
      } catch (caught) {
        if (stopped) return;
        setError(caught instanceof Error ? caught.message : String(caught));
        onFinished();
      }
    }
    const emailOf = (result: JobResultView) => result.email ?? run.emails[result.user_id] ?? result.user_id;
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // The job is followed once, from its start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run.jobId]);

  // Focus follows the job: its progress heading at the start, its results heading at the end.
  useEffect(() => {
    heading.current?.focus();
  }, [finished]);

  async function cancel() {
    setCancelling(true);
    const answer = await cancelJobAction({ id: run.jobId });
    // A job that finished meanwhile cannot be cancelled: its results come anyway.
    if (!answer.ok && answer.error.code !== "conflict") setError(answer.error.message);
  }

  const processed = summary.done + summary.failed;
  const label = (result: JobResultView) => result.email ?? run.emails[result.user_id] ?? result.user_id;
  if (!finished) {
    return (
      <section aria-labelledby="bulk-progress-title" className="panel bulk-results">
        <h2 id="bulk-progress-title" ref={heading} tabIndex={-1}>
          {words.running} {summary.total === null ? "the users" : `${summary.total} ${users(summary.total)}`}
        </h2>
        <progress aria-labelledby="bulk-progress-title" value={processed} max={summary.total ?? undefined} />
        <p aria-live="polite">
          {summary.total === null ? "Starting…" : `${processed} of ${summary.total} done`}
          {summary.failed > 0 && `, ${summary.failed} refused`}
        </p>
        {error && (
          <div role="alert" className="alert">
            {error}
          </div>
        )}
        <button type="button" className="secondary" onClick={cancel} disabled={cancelling}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby="bulk-results-title" className="panel bulk-results">
      <h2 id="bulk-results-title" ref={heading} tabIndex={-1}>
        Results{status === "cancelled" && " (cancelled)"}: {words.heading} {summary.done} of {processed}
        {run.membership && run.action === "add_membership" ? ` to ${run.membership}` : ""}
        {run.membership && run.action === "remove_membership" ? ` from ${run.membership}` : ""}
      </h2>
      {error && (
        <div role="alert" className="alert">
          {status === "failed" ? `The job failed: ${error}` : error}
        </div>
      )}
      {status === "cancelled" && summary.total !== null && (
        <p>Cancelled: {summary.total - processed} of {summary.total} users were left as they were.</p>
      )}
      <ul>
        {results?.map((result) => (
          <li key={result.user_id} data-ok={result.status === "done"}>
            {label(result)}: {result.status === "done" ? words.done : `${words.notDone}. ${result.message}`}
          </li>
        ))}
      </ul>
      {results && results.length < processed && (
        <p className="muted">
          The first {SHOWN_RESULTS.toLocaleString("en-US")} refused and {SHOWN_RESULTS.toLocaleString("en-US")} done users are shown; all {processed} results are
          at GET /api/v2/jobs/{run.jobId}/results.
        </p>
      )}
      <button type="button" className="secondary" onClick={onClose}>
        Close results
      </button>
    </section>
  );
}
