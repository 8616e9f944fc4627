"use client";

import type { ActionError } from "@/lib/actions/safe-action";
import type { ImpactProgress } from "@/lib/access/impact-preview";
import type { AdminImpact, ImpactPreview } from "@/lib/schemas/impact";
import { FormAlert } from "@/components/forms/fields";
import styles from "./hooks.module.css";

/** The kinds whose drafts can be previewed (lib/access/impact-preview.ts). */
export const PREVIEWABLE_KINDS: ReadonlySet<string> = new Set(["filter", "access", "memberships", "settings"]);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const emails = (users: { email: string }[]) => users.map((user) => user.email).join(", ");

/** The summary without the admin's name, which the row header already shows. */
function change(row: AdminImpact): string {
  const label = `${row.admin.name ?? row.admin.email}: `;
  return row.summary.startsWith(label) ? row.summary.slice(label.length) : row.summary;
}

function Details({ row }: { row: AdminImpact }) {
  const { visibility, actions, memberships, settings } = row;
  return (
    <ul className={styles.impactDetails}>
      {visibility && (
        <>
          <li>
            Users in their list: {visibility.before ?? "none (the hook fails)"} → {visibility.after ?? "none (the draft fails)"}
          </li>
          <li>
            Newly visible: {visibility.newly_visible}
            {visibility.first_newly_visible.length > 0 && `, first: ${emails(visibility.first_newly_visible)}`}
          </li>
          <li>
            No longer visible: {visibility.no_longer_visible}
            {visibility.first_no_longer_visible.length > 0 && `, first: ${emails(visibility.first_no_longer_visible)}`}
          </li>
          {visibility.errors.after && <li>The draft fails: {visibility.errors.after}</li>}
          {visibility.errors.before && <li>The deployed hook fails: {visibility.errors.before}</li>}
        </>
      )}
      {actions && (
        <>
          <li>
            Sampled users: {actions.sampled_users}; newly allowed: {actions.newly_allowed}; newly denied: {actions.newly_denied}
          </li>
          {actions.changes.map((group) => (
            <li key={`${group.change} ${group.action}`}>
              {group.action} newly {group.change}: {emails(group.users)}
            </li>
          ))}
        </>
      )}
      {memberships && (
        <>
          <li>Options now: {memberships.before.join(", ") || "none"}</li>
          <li>Options with the draft: {memberships.after.join(", ") || "none"}</li>
          {memberships.errors.after && <li>The draft fails: {memberships.errors.after}</li>}
        </>
      )}
      {settings && (
        <>
          <li>
            May create users: {settings.can_create_user.before ? "yes" : "no"} → {settings.can_create_user.after ? "yes" : "no"}
          </li>
          <li>Settings that differ: {settings.changed.join(", ") || "none"}</li>
          {settings.errors.after && <li>The draft fails: {settings.errors.after}</li>}
        </>
      )}
      {row.error && <li>{row.error}</li>}
    </ul>
  );
}

/**
 * The answer of Preview impact, one row per admin with the details in a disclosure. While it runs, a
 * progress bar counts the admins done (streamed by the server) and a status line says so.
 */
export function ImpactPreviewPanel({
  name,
  pending,
  progress,
  error,
  preview,
  stale,
}: {
  name: string;
  pending: boolean;
  progress: ImpactProgress | null;
  error: ActionError | null;
  preview: ImpactPreview | null;
  stale: boolean;
}) {
  let status = "";
  if (pending) status = progress ? `Previewing the impact: ${progress.done} of ${progress.total} admins done…` : "Previewing the impact for every admin…";
  else if (preview) {
    const affected = preview.admins.filter((row) => row.changed).length;
    const against = preview.deployed_version === null ? "no deployed version" : `deployed version ${preview.deployed_version}`;
    status = `Compared with ${against}: ${affected} of ${preview.admins_done} admins affected, in ${seconds(preview.duration_ms)}.`;
    if (preview.partial) status += ` Stopped at the time limit: ${preview.admins_done} of ${preview.admins_total} admins done.`;
  }
  if (!pending && !preview && !error) return null;
  return (
    <section aria-labelledby="impact-title" className="panel" aria-busy={pending}>
      <h2 id="impact-title">Impact of deploying this code</h2>
      <FormAlert error={error} />
      <p role="status" className={styles.impactStatus}>
        {pending && <span className={styles.spinner} aria-hidden="true" />}
        {status}
      </p>
      {pending && progress && (
        <progress className={styles.impactProgress} max={progress.total} value={progress.done} aria-label="Admins previewed" />
      )}
      {stale && !pending && <p className="notice">The code changed since this preview: preview it again before deploying.</p>}
      {preview && preview.admins.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">What deploying the {name} draft changes for each admin</caption>
            <thead>
              <tr>
                <th scope="col">Admin</th>
                <th scope="col">Change</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {preview.admins.map((row) => (
                <tr key={row.admin.id}>
                  <th scope="row">
                    {row.admin.name ?? row.admin.email}
                    {row.admin.name && <div className="muted">{row.admin.email}</div>}
                  </th>
                  <td>{row.changed ? change(row) : <span className="muted">{change(row)}</span>}</td>
                  <td>
                    <details>
                      <summary>
                        Details<span className="visually-hidden"> for {row.admin.name ?? row.admin.email}</span>
                      </summary>
                      <Details row={row} />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
