"use client";

import dynamic from "next/dynamic";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Time } from "@/components/ui/time";
import styles from "./hooks.module.css";

const HookDiffEditor = dynamic(() => import("./hook-diff-editor"), {
  ssr: false,
  loading: () => <p className="muted">Loading the comparison…</p>,
});

export interface HookVersionRow {
  version: number;
  code: string;
  enabled: boolean;
  timeoutMs: number;
  authorEmail: string | null;
  createdAt: string;
  reason: string;
  note: string | null;
}

const REASONS: Record<string, string> = {
  save: "Saved and deployed",
  draft: "Draft",
  restore: "Restored",
  enable: "Enabled",
  disable: "Disabled",
};

/**
 * Every save is a version, a draft or deployed: compare one with the editor's code (Monaco's diff editor) or
 * restore it (deploy it again, as a new version). The deployed one, which runs, is marked.
 */
export function HookVersions({
  name,
  versions,
  deployedVersion,
  code,
  comparing,
  onCompare,
  onRestore,
  busy,
}: {
  name: string;
  versions: HookVersionRow[];
  deployedVersion: number | null;
  code: string;
  comparing: number | null;
  onCompare(version: number | null): void;
  onRestore(version: number): void;
  busy: boolean;
}) {
  const compared = versions.find((v) => v.version === comparing);
  // With a draft newer than the deployed version, restoring the deployed one is how a draft is dropped.
  const draftPending = deployedVersion !== null && (versions[0]?.version ?? 0) > deployedVersion;
  const restorable = (version: number) => version !== deployedVersion || draftPending;
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      {compared && (
        <section aria-labelledby="compare-title" className="panel">
          <div className={styles.compareHeader}>
            <h3 id="compare-title">
              Version {compared.version} (left) compared with the editor (right)
            </h3>
            <button type="button" className="secondary" onClick={() => onCompare(null)}>
              Close comparison
            </button>
          </div>
          <div className={styles.diffFrame}>
            <HookDiffEditor
              key={compared.version}
              original={compared.code}
              modified={code}
              label={`Version ${compared.version} of the ${name} compared with the editor`}
              originalLabel={`Version ${compared.version} of the ${name} (left, read-only)`}
              modifiedLabel={`The editor's code of the ${name} (right, read-only here)`}
            />
          </div>
        </section>
      )}
      {versions.length ? (
        <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Versions of the {name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Author</th>
              <th scope="col">Time</th>
              <th scope="col">Reason</th>
              <th scope="col">Note</th>
              <th scope="col">Timeout</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((row) => (
              <tr key={row.version} aria-current={row.version === deployedVersion ? "true" : undefined}>
                <th scope="row">
                  {row.version}
                  {row.version === deployedVersion && <span className="badge ok">Deployed</span>}
                </th>
                <td>{row.authorEmail ?? <span className="muted">System</span>}</td>
                <td>
                  <Time value={row.createdAt} />
                </td>
                <td>
                  {REASONS[row.reason] ?? row.reason}
                  {!row.enabled && <span className="muted"> (disabled)</span>}
                </td>
                <td className={styles.note}>{row.note ?? <span className="visually-hidden">None</span>}</td>
                <td>{row.timeoutMs} ms</td>
                <td>
                  <div className="actions">
                    <button
                      type="button"
                      className="secondary"
                      aria-pressed={comparing === row.version}
                      onClick={() => onCompare(comparing === row.version ? null : row.version)}
                    >
                      Compare
                    </button>
                    {restorable(row.version) && (
                      <ConfirmButton
                        label="Restore"
                        title={`Restore version ${row.version}?`}
                        description={`Version ${row.version} is deployed as a new version and runs from now on; the editor's code is replaced by it. Unsaved changes in the editor are lost.`}
                        confirmLabel={`Restore version ${row.version}`}
                        onConfirm={() => onRestore(row.version)}
                        disabled={busy}
                        className="secondary"
                      />
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : (
        <p className="empty panel">No versions yet: the first Save draft or Deploy creates version 1.</p>
      )}
    </section>
  );
}
