/** One line of an entry's `details.changes` (lib/audit/changes.ts), as stored. */
type StoredChange = { field: string; from?: unknown; to?: unknown; changed?: true };

const isChange = (value: unknown): value is StoredChange =>
  typeof value === "object" && value !== null && typeof (value as StoredChange).field === "string";

/** A value as short text: strings as they are, anything else as JSON. */
const shown = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** What a change did to each field: before struck out, after underlined; secrets only as "changed". */
export function AuditChanges({ changes }: { changes: unknown }) {
  if (!Array.isArray(changes)) return null;
  const lines = changes.filter(isChange);
  if (!lines.length) return null;
  return (
    <ul className="audit-changes" aria-label="Changes">
      {lines.map((change) => (
        <li key={change.field}>
          <code>{change.field}</code>:{" "}
          {change.changed ? (
            <span className="muted">changed</span>
          ) : (
            <>
              {"from" in change ? (
                <del>
                  <span className="visually-hidden">was </span>
                  {shown(change.from)}
                </del>
              ) : (
                <span className="muted">(none)</span>
              )}
              {" → "}
              {"to" in change ? (
                <ins>
                  <span className="visually-hidden">now </span>
                  {shown(change.to)}
                </ins>
              ) : (
                <span className="muted">(removed)</span>
              )}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
