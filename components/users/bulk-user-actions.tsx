"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmDialog, type ConfirmQuestion } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { bulkBlockUsersAction, bulkDeleteUsersAction } from "@/lib/actions/users";
import type { BulkUserResult } from "@/lib/users/bulk";

type Verb = "block" | "unblock" | "delete";
const DONE: Record<Verb, string> = { block: "Blocked", unblock: "Unblocked", delete: "Deleted" };
const NOT_DONE: Record<Verb, string> = { block: "Not blocked", unblock: "Not unblocked", delete: "Not deleted" };
const SHOWN_IN_QUESTION = 10;

interface Chosen {
  id: string;
  email: string;
}

/**
 * Bulk Block, Unblock and Delete over the rows checked in the users table it wraps (the table's
 * checkboxes: `name="user_id"`, `data-email`, and one `data-select-all`). Each user goes through the single
 * action's checks on the server (Access Hook included); the results are listed per user, and focus moves to
 * them.
 */
export function BulkUserActions({ children, hasRows }: { children: React.ReactNode; hasRows: boolean }) {
  const router = useRouter();
  const toast = useToast();
  const { error, pending, run } = useAction();
  const box = useRef<HTMLDivElement>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [asking, setAsking] = useState<(ConfirmQuestion & { verb: Verb }) | null>(null);
  const [outcome, setOutcome] = useState<{ verb: Verb; rows: { email: string; result: BulkUserResult }[] } | null>(null);

  // Focus moves to the results once they are on screen (the buttons it was on are disabled now).
  useEffect(() => {
    if (outcome) resultsHeading.current?.focus();
  }, [outcome]);

  const rowBoxes = () => [...(box.current?.querySelectorAll<HTMLInputElement>('input[name="user_id"]') ?? [])];

  /** Reads the checked rows and sets the select-all box to all, none or mixed. */
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
  }

  function ask(verb: Verb) {
    if (verb === "unblock") return perform("unblock", chosen);
    const emails = chosen.slice(0, SHOWN_IN_QUESTION).map((user) => user.email);
    const more = chosen.length - emails.length;
    const count = chosen.length === 1 ? "1 user" : `${chosen.length} users`;
    setAsking({
      verb,
      title: verb === "block" ? `Block ${count}?` : `Delete ${count}?`,
      description: (
        <>
          <p>
            {verb === "block"
              ? "They will no longer be able to sign in, and their current sessions end."
              : "They will be removed for good. This cannot be undone."}{" "}
            Users you may not {verb} are left as they are and listed in the results.
          </p>
          <ul>
            {emails.map((email) => (
              <li key={email}>{email}</li>
            ))}
            {more > 0 && <li>and {more} more</li>}
          </ul>
        </>
      ),
      confirmLabel: verb === "block" ? `Block ${count}` : `Delete ${count}`,
    });
  }

  function perform(verb: Verb, users: Chosen[]) {
    const user_ids = users.map((user) => user.id);
    const emailOf = new Map(users.map((user) => [user.id, user.email]));
    run(
      () => (verb === "delete" ? bulkDeleteUsersAction({ user_ids }) : bulkBlockUsersAction({ user_ids, blocked: verb === "block" })),
      (results) => {
        const done = results.filter((result) => result.ok).length;
        const refused = results.length - done;
        toast(`${DONE[verb]} ${done} of ${results.length} ${results.length === 1 ? "user" : "users"}.${refused ? ` ${refused} refused: see the results.` : ""}`, {
          warning: refused > 0,
        });
        setOutcome({ verb, rows: results.map((result) => ({ email: emailOf.get(result.user_id) ?? result.user_id, result })) });
        for (const row of rowBoxes()) row.checked = false;
        sync();
        router.refresh();
      },
    );
  }

  const none = chosen.length === 0;
  return (
    <>
      <div role="group" aria-label="Bulk actions" className="bulk-bar" hidden={!hasRows}>
        <span aria-live="polite">{none ? "No users selected" : `${chosen.length} selected`}</span>
        <button type="button" className="danger" disabled={none || pending} onClick={() => ask("block")}>
          Block
        </button>
        <button type="button" className="secondary" disabled={none || pending} onClick={() => ask("unblock")}>
          Unblock
        </button>
        <button type="button" className="danger" disabled={none || pending} onClick={() => ask("delete")}>
          Delete
        </button>
      </div>
      <FormAlert error={error} />
      {outcome && (
        <section aria-labelledby="bulk-results-title" className="panel bulk-results">
          <h2 id="bulk-results-title" ref={resultsHeading} tabIndex={-1}>
            Results: {DONE[outcome.verb].toLowerCase()} {outcome.rows.filter((row) => row.result.ok).length} of {outcome.rows.length}
          </h2>
          <ul>
            {outcome.rows.map(({ email, result }) => (
              <li key={result.user_id} data-ok={result.ok}>
                {email}: {result.ok ? DONE[outcome.verb] : `${NOT_DONE[outcome.verb]}. ${result.message}`}
              </li>
            ))}
          </ul>
          <button type="button" className="secondary" onClick={() => setOutcome(null)}>
            Close results
          </button>
        </section>
      )}
      <div ref={box} onChange={sync}>
        {children}
      </div>
      <ConfirmDialog
        question={asking}
        onAnswer={(confirmed) => {
          const verb = asking?.verb;
          setAsking(null);
          if (confirmed && verb) perform(verb, chosen);
        }}
      />
    </>
  );
}
