"use client";

import { useRef, useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmDialog, type ConfirmQuestion } from "@/components/ui/confirm-dialog";
import { startUsersBulkJobAction } from "@/lib/actions/bulk-jobs";
import type { BulkAction, UsersBulkJobInput } from "@/lib/schemas/user-bulk";
import { BulkJobProgress, type BulkRun } from "./bulk-job-progress";

const SHOWN_IN_QUESTION = 10;

interface Chosen {
  id: string;
  email: string;
}

/** The list the page shows: its search and filters, and its (bounded) total. */
export interface BulkListScope {
  query: NonNullable<UsersBulkJobInput["query"]>;
  total: number;
  totalExact: boolean;
}

const QUESTION_TEXT: Record<BulkAction, string> = {
  block: "They will no longer be able to sign in, and their current sessions end.",
  unblock: "",
  delete: "They will be removed; an Administrator can restore them from Deleted users for a while.",
  add_membership: "",
  remove_membership: "They may lose access that comes with it, and leave the lists of admins who manage it.",
  send_password_reset: "Each gets an email with a link to choose a new password; their current password keeps working until then.",
};

const VERB: Record<BulkAction, string> = {
  block: "Block",
  unblock: "Unblock",
  delete: "Delete",
  add_membership: "Add",
  remove_membership: "Remove",
  send_password_reset: "Send password reset to",
};

/**
 * The users list's bulk bar over the rows checked in the table it wraps (the table's checkboxes:
 * `name="user_id"`, `data-email`, and one `data-select-all`), or over every user matching the list when every
 * row of the page is checked and the admin chooses "Select all … matching". Every action runs as a job
 * (lib/jobs/users-bulk-job.ts): each user through the single action's checks on the server, followed with a
 * progress bar, then a result per user. Destructive actions ask first, with Cancel focused.
 */
export function BulkUserActions({
  children,
  pageRows,
  scope,
  membershipOptions,
}: {
  children: React.ReactNode;
  /** Users listed on this page (the admin's own row included, which has no checkbox). */
  pageRows: number;
  scope: BulkListScope;
  membershipOptions: string[];
}) {
  const { error, pending, run } = useAction();
  const box = useRef<HTMLDivElement>(null);
  const membershipChoice = useRef<HTMLSelectElement>(null);
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [pageAll, setPageAll] = useState(false);
  const [allMatching, setAllMatching] = useState(false);
  const [asking, setAsking] = useState<(ConfirmQuestion & { action: BulkAction }) | null>(null);
  const [job, setJob] = useState<BulkRun | null>(null);
  const [jobRunning, setJobRunning] = useState(false);

  const rowBoxes = () => [...(box.current?.querySelectorAll<HTMLInputElement>('input[name="user_id"]') ?? [])];

  /** Reads the checked rows and sets the select-all box to all, none or mixed; a change of rows ends "all matching". */
  function sync(event?: React.ChangeEvent<HTMLDivElement>) {
    const target = event?.target as HTMLInputElement | undefined;
    if (target?.dataset.selectAll !== undefined) for (const row of rowBoxes()) row.checked = target.checked;
    const rows = rowBoxes();
    const checked = rows.filter((row) => row.checked);
    const all = box.current?.querySelector<HTMLInputElement>("input[data-select-all]");
    if (all) {
      all.checked = rows.length > 0 && checked.length === rows.length;
      all.indeterminate = checked.length > 0 && checked.length < rows.length;
    }
    setChosen(checked.map((row) => ({ id: row.value, email: row.dataset.email ?? row.value })));
    setPageAll(rows.length > 0 && checked.length === rows.length);
    if (event) setAllMatching(false);
  }

  function clearSelection() {
    for (const row of rowBoxes()) row.checked = false;
    setAllMatching(false);
    sync();
  }

  const matchingLabel = scope.totalExact ? `all ${scope.total} users matching this list` : "all users matching this list (more than 1,000)";
  const countLabel = allMatching ? matchingLabel : chosen.length === 1 ? "1 user" : `${chosen.length} users`;

  function ask(action: BulkAction) {
    if (action === "unblock") return start(action);
    const membership = action === "add_membership" || action === "remove_membership";
    const emails = allMatching ? [] : chosen.slice(0, SHOWN_IN_QUESTION).map((user) => user.email);
    const more = chosen.length - emails.length;
    const preposition = action === "add_membership" ? " to" : action === "remove_membership" ? " from" : "";
    setAsking({
      action,
      title: membership ? `${VERB[action]} ${countLabel}${preposition} a membership?` : `${VERB[action]} ${countLabel}?`,
      description: (
        <>
          {membership && (
            <p>
              <label>
                Membership{" "}
                <select ref={membershipChoice} defaultValue={membershipOptions[0]}>
                  {membershipOptions.map((option) => (
                    <option key={option}>{option}</option>
                  ))}
                </select>
              </label>
            </p>
          )}
          <p>
            {QUESTION_TEXT[action]} Users you may not change are left as they are and listed in the results.
            {allMatching && " The list is read again when the job starts: the users matching it then are the ones changed."}
          </p>
          {!allMatching && (
            <ul>
              {emails.map((email) => (
                <li key={email}>{email}</li>
              ))}
              {more > 0 && <li>and {more} more</li>}
            </ul>
          )}
        </>
      ),
      confirmLabel: `${VERB[action]} ${countLabel}`,
      tone: action === "add_membership" || action === "send_password_reset" ? "secondary" : "danger",
    });
  }

  function start(action: BulkAction, membership?: string) {
    const emails = Object.fromEntries(chosen.map((user) => [user.id, user.email]));
    const target = allMatching ? { query: scope.query } : { user_ids: chosen.map((user) => user.id) };
    run(
      () => startUsersBulkJobAction({ action, ...(membership !== undefined && { membership }), ...target }),
      (started) => {
        setJob({ jobId: started.id, action, membership, emails });
        setJobRunning(true);
        clearSelection();
      },
    );
  }

  const none = chosen.length === 0 && !allMatching;
  const busy = pending || jobRunning;
  const offerAllMatching = pageAll && !allMatching && (!scope.totalExact || scope.total > pageRows);
  return (
    <>
      <div role="group" aria-label="Bulk actions" className="bulk-bar" hidden={pageRows === 0}>
        <span aria-live="polite">
          {allMatching ? `${matchingLabel[0].toUpperCase()}${matchingLabel.slice(1)} selected` : none ? "No users selected" : `${chosen.length} selected`}
        </span>
        {offerAllMatching && (
          <button type="button" className="secondary" data-focus-key="select-all-matching" onClick={() => setAllMatching(true)}>
            Select {matchingLabel}
          </button>
        )}
        {allMatching && (
          <button type="button" className="secondary" data-focus-key="select-all-matching" onClick={clearSelection}>
            Clear selection
          </button>
        )}
        <button type="button" className="danger" disabled={none || busy} onClick={() => ask("block")}>
          Block
        </button>
        <button type="button" className="secondary" disabled={none || busy} onClick={() => ask("unblock")}>
          Unblock
        </button>
        <button type="button" className="danger" disabled={none || busy} onClick={() => ask("delete")}>
          Delete
        </button>
        <button type="button" className="secondary" disabled={none || busy || membershipOptions.length === 0} onClick={() => ask("add_membership")}>
          Add membership…
        </button>
        <button type="button" className="secondary" disabled={none || busy || membershipOptions.length === 0} onClick={() => ask("remove_membership")}>
          Remove membership…
        </button>
        <button type="button" className="secondary" disabled={none || busy} onClick={() => ask("send_password_reset")}>
          Send password reset
        </button>
      </div>
      <FormAlert error={error} />
      {job && <BulkJobProgress key={job.jobId} run={job} onFinished={() => setJobRunning(false)} onClose={() => setJob(null)} />}
      <div ref={box} onChange={sync}>
        {children}
      </div>
      <ConfirmDialog
        question={asking}
        onAnswer={(confirmed) => {
          const action = asking?.action;
          const membership = membershipChoice.current?.value;
          setAsking(null);
          if (!confirmed || !action) return;
          start(action, action === "add_membership" || action === "remove_membership" ? membership : undefined);
        }}
      />
    </>
  );
}
