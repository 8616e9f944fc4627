import Link from "next/link";
import { plainIpAddress } from "@/components/ui/ip-address";
import { Time } from "@/components/ui/time";
import { AuditChanges } from "./audit-changes";
import type { AuditLog } from "@/lib/generated/prisma/client";

/** The entry's details (ids, names: never secrets) as short key: value lines, and its changes as a diff. */
function Details({ value }: { value: unknown }) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  return (
    <>
      {Object.entries(value).map(([key, inner]) =>
        key === "changes" ? (
          <AuditChanges key={key} changes={inner} />
        ) : (
          <div key={key} className="detail">
            <span className="muted">{key}:</span> {Array.isArray(inner) ? inner.join(", ") : typeof inner === "object" ? JSON.stringify(inner) : String(inner)}
          </div>
        ),
      )}
    </>
  );
}

/** Audit entries; `showTarget` adds the user each entry is about. */
export function AuditTable({ entries, caption, showTarget = true }: { entries: AuditLog[]; caption: string; showTarget?: boolean }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            {showTarget && <th scope="col">User</th>}
            <th scope="col">Result</th>
            <th scope="col">Details</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <Time value={entry.createdAt} />
              </td>
              <td>{entry.actorEmail ?? <span className="muted">system</span>}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              {showTarget && (
                <td>
                  {entry.targetUserId ? (
                    <Link href={`/users/${entry.targetUserId}`}>{entry.targetEmail ?? entry.targetUserId}</Link>
                  ) : (
                    (entry.targetEmail ?? <span className="muted">—</span>)
                  )}
                </td>
              )}
              <td>
                {entry.result === "success" ? (
                  <span className="badge ok">success</span>
                ) : (
                  <>
                    <span className="badge danger">failure</span>
                    {entry.errorMessage && <div className="muted">{entry.errorMessage}</div>}
                  </>
                )}
              </td>
              <td>
                <Details value={entry.details} />
              </td>
              <td>
                {entry.channel}
                {entry.ipAddress && <div className="muted">{plainIpAddress(entry.ipAddress)}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
