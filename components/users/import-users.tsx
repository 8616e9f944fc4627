"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { useAction } from "@/components/forms/use-action";
import { startImportAction } from "@/lib/actions/users-import";
import type { StagedImport } from "@/lib/jobs/users-import-job";
import { IMPORT_FIELDS, type ImportMapping } from "@/lib/schemas/user-import";
import { ImportJobView, type ImportJob } from "./import-job-view";

interface Connection {
  id: string;
  name: string;
}

const FIELD_LABELS: Record<string, string> = {
  "": "Leave out",
  email: "Email",
  email_verified: "Email verified",
  user_id: "User id (kept as the old id)",
  username: "Username",
  name: "Name",
  given_name: "Given name",
  family_name: "Family name",
  nickname: "Nickname (not stored)",
  phone_number: "Phone number",
  blocked: "Blocked",
  password: "Password",
  password_hash: "Password hash (bcrypt)",
  custom_password_hash: "Custom password hash (Auth0)",
  memberships: "Memberships",
  user_metadata: "User metadata (JSON)",
  app_metadata: "App metadata (JSON)",
};

type Upsert = "none" | "email" | "user_id";

const cell = (value: unknown) => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value));

/** Focuses a step's heading when the step appears, so that a keyboard or screen reader user lands on it. */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function UploadStep({ connections, onStaged }: { connections: Connection[]; onStaged(staged: StagedImport, connectionId: string): void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("users");
    if (!(file instanceof File) || file.size === 0) {
      setError("Choose a file to import.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const body = new FormData();
      body.set("users", file);
      const response = await fetch("/users/import/upload", { method: "POST", body });
      const answer = (await response.json()) as StagedImport & { message?: string };
      if (!response.ok) setError(answer.message ?? "The file could not be uploaded.");
      else onStaged(answer, String(form.get("connection_id")));
    } catch {
      setError("The server could not be reached. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={upload} className="panel" aria-labelledby="import-upload-title" noValidate>
      <h2 id="import-upload-title">1. Choose the file</h2>
      {error && (
        <div role="alert" className="alert" id="import-upload-error">
          {error}
        </div>
      )}
      <div className="field">
        <label htmlFor="import-file">File</label>
        <input id="import-file" name="users" type="file" accept=".csv,.json,.ndjson,.jsonl,text/csv,application/json" aria-describedby={error ? "import-upload-error" : undefined} />
        <span className="hint">CSV, JSON or NDJSON, at most 50 MB.</span>
      </div>
      <div className="field">
        <label htmlFor="import-connection">Connection</label>
        <select id="import-connection" name="connection_id" defaultValue={connections[0].id}>
          {connections.map((connection) => (
            <option key={connection.id} value={connection.id}>
              {connection.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={pending}>
        {pending ? "Reading the file…" : "Upload and map the columns"}
      </button>
    </form>
  );
}

function MappingStep({ staged, connectionId, onStarted, onRestart }: { staged: StagedImport; connectionId: string; onStarted(job: ImportJob): void; onRestart(): void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [mapping, setMapping] = useState<ImportMapping>(staged.mapping);
  const [upsert, setUpsert] = useState<Upsert>("none");
  const { error, pending, run } = useAction();

  function dryRun(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run(
      () =>
        startImportAction({
          upload_id: staged.upload_id,
          connection_id: connectionId,
          mapping,
          upsert: upsert !== "none",
          upsert_by: upsert === "user_id" ? "user_id" : "email",
          dry_run: true,
        }),
      (job) => onStarted(job as unknown as ImportJob),
    );
  }

  return (
    <form onSubmit={dryRun} className="panel" aria-labelledby="import-mapping-title">
      <h2 id="import-mapping-title" ref={heading} tabIndex={-1}>
        2. Map the columns ({staged.total} {staged.total === 1 ? "row" : "rows"})
      </h2>
      {error && (
        <div role="alert" className="alert">
          {error.message}
        </div>
      )}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">The file&apos;s columns, their first values and the field each one fills</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">First values</th>
              <th scope="col">Field</th>
            </tr>
          </thead>
          <tbody>
            {staged.columns.map((column, index) => (
              <tr key={column}>
                <th scope="row">{column}</th>
                <td>{staged.sample.slice(0, 3).map((record) => cell(record[column])).filter(Boolean).join(", ")}</td>
                <td>
                  <select
                    id={`import-map-${index}`}
                    aria-label={`Field for the column ${column}`}
                    value={mapping[column] ?? ""}
                    onChange={(event) => setMapping({ ...mapping, [column]: event.target.value as ImportMapping[string] })}
                  >
                    {(["", ...IMPORT_FIELDS] as const).map((field) => (
                      <option key={field} value={field}>
                        {FIELD_LABELS[field]}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <fieldset className="field">
        <legend>Users that already exist</legend>
        {(
          [
            ["none", "Refuse them: only create new users"],
            ["email", "Update them, matched by email"],
            ["user_id", "Update them, matched by user_id (Delegate's id or the imported old id)"],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="choice">
            <input type="radio" name="upsert" value={value} checked={upsert === value} onChange={() => setUpsert(value)} /> {label}
          </label>
        ))}
      </fieldset>
      <p className="hint">The dry run judges every row as the import would, and writes nothing.</p>
      <button type="submit" disabled={pending}>
        {pending ? "Starting…" : "Check the file (dry run)"}
      </button>{" "}
      <button type="button" className="secondary" onClick={onRestart}>
        Choose another file
      </button>
    </form>
  );
}

/** The import page: upload → column mapping and options → dry run (each row's outcome) → import → result file. */
export function ImportUsers({ connections }: { connections: Connection[] }) {
  const [staged, setStaged] = useState<{ staged: StagedImport; connectionId: string } | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const restart = () => {
    setJob(null);
    setStaged(null);
  };
  if (job) return <ImportJobView key={job.id} initial={job} onImport={setJob} onRestart={restart} />;
  if (staged) return <MappingStep staged={staged.staged} connectionId={staged.connectionId} onStarted={setJob} onRestart={restart} />;
  return <UploadStep connections={connections} onStaged={(result, connectionId) => setStaged({ staged: result, connectionId })} />;
}
