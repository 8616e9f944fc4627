"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useAction } from "@/components/forms/use-action";
import { cancelJobAction, readJobAction } from "@/lib/actions/bulk-jobs";
import { importAfterDryRunAction } from "@/lib/actions/users-import";
import { actionData, FINISHED_JOB_STATUSES, JOB_POLL_MS } from "./job-polling";

interface Summary {
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  total: number;
}

interface Change {
  field: string;
  from?: unknown;
  to?: unknown;
  changed?: true;
}

interface RowOutcome {
  row: number;
  outcome: "create" | "update" | "unchanged" | "refused";
  email?: string;
  code?: string;
  message?: string;
  field?: string;
  changes?: Change[];
}

/** What GET /api/v2/jobs/{id} answers for an import (lib/jobs/users-import-job.ts). */
export interface ImportJob {
  id: string;
  status: string;
  dry_run: boolean;
  rows_done: number;
  summary: Summary;
  rows_per_second?: number;
  seconds_left?: number;
  rows?: RowOutcome[];
  rows_truncated?: boolean;
  location?: string;
  error?: string;
}

const OUTCOME_LABELS: Record<RowOutcome["outcome"], string> = { create: "Create", update: "Update", unchanged: "Unchanged", refused: "Refused" };

const rows = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "row" : "rows"}`;
const shown = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value));

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function details(row: RowOutcome): string {
  if (row.outcome === "refused") return row.field ? `${row.message} (field: ${row.field})` : (row.message ?? "");
  if (row.changes) return row.changes.map((c) => (c.changed ? `${c.field} changed` : `${c.field}: ${shown(c.from)} → ${shown(c.to)}`)).join("; ");
  return "";
}

function summaryText(job: ImportJob): string {
  const { inserted, updated, unchanged, failed } = job.summary;
  return job.dry_run
    ? `${rows(inserted)} to create, ${rows(updated)} to update, ${rows(unchanged)} unchanged, ${rows(failed)} refused.`
    : `${rows(inserted)} created, ${rows(updated)} updated, ${rows(unchanged)} unchanged, ${rows(failed)} refused.`;
}

/**
 * Follows an import job: a progress bar (rows done, rate, time left) with Cancel while it runs; a dry run then
 * lists each row's outcome and offers "Import the N valid rows"; an import ends with its result file.
 */
export function ImportJobView({ initial, onImport, onRestart }: { initial: ImportJob; onImport(job: ImportJob): void; onRestart(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [job, setJob] = useState<ImportJob>(initial);
  const [pollError, setPollError] = useState<string | null>(null);
  const { error, pending, run } = useAction();
  const finished = FINISHED_JOB_STATUSES.has(job.status);

  useEffect(() => heading.current?.focus(), [finished]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const next = (await actionData(readJobAction({ id: initial.id }))) as unknown as ImportJob;
        if (stopped) return;
        setJob(next);
        if (!FINISHED_JOB_STATUSES.has(next.status)) timer = setTimeout(poll, JOB_POLL_MS);
      } catch (caught) {
        if (!stopped) setPollError(caught instanceof Error ? caught.message : String(caught));
      }
    }
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [initial.id]);

  const title = job.dry_run ? "3. Dry run" : "4. Import";
  const valid = job.summary.total - job.summary.failed;

  if (!finished) {
    return (
      <section aria-labelledby="import-job-title" className="panel">
        <h2 id="import-job-title" ref={heading} tabIndex={-1}>
          {title}: {job.dry_run ? "checking" : "importing"} {rows(job.summary.total)}
        </h2>
        {pollError && (
          <div role="alert" className="alert">
            {pollError}
          </div>
        )}
        <progress aria-labelledby="import-job-title" value={job.rows_done} max={job.summary.total} />
        <p aria-live="polite">
          {job.rows_done.toLocaleString("en")} of {rows(job.summary.total)} done
          {job.rows_per_second !== undefined && `, ${job.rows_per_second} rows/s`}
          {job.seconds_left !== undefined && `, about ${duration(job.seconds_left)} left`}
        </p>
        {error && (
          <div role="alert" className="alert">
            {error.message}
          </div>
        )}
        <button type="button" className="secondary" disabled={pending} onClick={() => run(() => cancelJobAction({ id: job.id }), (next) => setJob(next as unknown as ImportJob))}>
          Cancel
        </button>
      </section>
    );
  }

  return (
    <section aria-labelledby="import-job-title" className="panel">
      <h2 id="import-job-title" ref={heading} tabIndex={-1}>
        {title}: {job.status === "completed" ? "done" : job.status}
      </h2>
      {job.error && (
        <div role="alert" className="alert">
          {job.error}
        </div>
      )}
      <p role="status">
        {job.status === "cancelled" && `Cancelled after ${rows(job.rows_done)}. `}
        {summaryText(job)}
      </p>
      {error && (
        <div role="alert" className="alert">
          {error.message}
        </div>
      )}
      {job.dry_run && job.status === "completed" && (
        <p>
          <button type="button" disabled={pending || valid === 0} onClick={() => run(() => importAfterDryRunAction({ id: job.id }), (next) => onImport(next as unknown as ImportJob))}>
            Import the {rows(valid).replace(/rows?$/, valid === 1 ? "valid row" : "valid rows")}
          </button>
        </p>
      )}
      {job.location && (
        <p>
          <a href={job.location} download>
            Download the result file
          </a>{" "}
          <span className="muted">(CSV: every row and its outcome; the link works for an hour)</span>
        </p>
      )}
      {job.rows && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Each row&apos;s outcome</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Email</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {job.rows.map((row) => (
                <tr key={row.row}>
                  <td>{row.row}</td>
                  <td>{row.email}</td>
                  <td>{OUTCOME_LABELS[row.outcome]}</td>
                  <td>{details(row)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {job.rows_truncated && <p className="muted">The first 1,000 rows are shown; the result file has every row.</p>}
        </div>
      )}
      <p>
        <button type="button" className="secondary" onClick={onRestart}>
          Import another file
        </button>{" "}
        <Link href="/users">Back to the users</Link>
      </p>
    </section>
  );
}
