"use client";

import { Notice } from "@/components/ui/notice";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { FormAlert, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { createWebhookEndpointAction, updateWebhookEndpointAction } from "@/lib/actions/webhooks";
import { EVENT_TYPES, type EventType } from "@/lib/events/types";
import { errorFor, errorsFor } from "./action-errors";
import { EVENT_DESCRIPTIONS } from "./event-types";
import styles from "./webhooks.module.css";

/** What the form edits; `hasBasicAuthPassword` stands for the write-only password. */
export interface EndpointFormValues {
  url: string;
  description: string;
  eventTypes: EventType[];
  headers: Record<string, string>;
  basicAuthUsername: string | null;
  hasBasicAuthPassword: boolean;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

const NEW_ENDPOINT: EndpointFormValues = {
  url: "",
  description: "",
  eventTypes: ["user.registration.create.complete"],
  headers: {},
  basicAuthUsername: null,
  hasBasicAuthPassword: false,
  connectTimeoutMs: 5000,
  readTimeoutMs: 15_000,
};

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

/** keep: leave the saved password; replace: send the typed one; remove: clear it. */
type PasswordMode = "keep" | "replace" | "remove";

/** Add an endpoint (no `endpointId`) or edit one's settings. */
export function EndpointForm({ endpointId, initial = NEW_ENDPOINT }: { endpointId?: string; initial?: EndpointFormValues }) {
  const router = useRouter();
  const creating = !endpointId;
  const { error, pending, run } = useAction();
  const [saved, setSaved] = useState(false);
  const headerCount = Object.keys(initial.headers).length;
  const nextKey = useRef(headerCount);
  const [url, setUrl] = useState(initial.url);
  const [description, setDescription] = useState(initial.description);
  const [eventTypes, setEventTypes] = useState<EventType[]>(initial.eventTypes);
  const [rows, setRows] = useState<HeaderRow[]>(() => Object.entries(initial.headers).map(([name, value], key) => ({ key, name, value })));
  const [username, setUsername] = useState(initial.basicAuthUsername ?? "");
  const [hasPassword, setHasPassword] = useState(initial.hasBasicAuthPassword);
  const [passwordMode, setPasswordMode] = useState<PasswordMode>(initial.hasBasicAuthPassword ? "keep" : "replace");
  const [password, setPassword] = useState("");
  const [connectTimeout, setConnectTimeout] = useState(String(initial.connectTimeoutMs));
  const [readTimeout, setReadTimeout] = useState(String(initial.readTimeoutMs));
  const [enabled, setEnabled] = useState(true);
  const ids = useId();
  const id = (name: string) => `${ids}-${name}`;

  function toggleEvent(type: EventType, checked: boolean) {
    setEventTypes((current) => (checked ? EVENT_TYPES.filter((t) => t === type || current.includes(t)) : current.filter((t) => t !== type)));
  }

  function updateRow(key: number, change: Partial<HeaderRow>) {
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const fields = {
      url,
      description,
      eventTypes,
      headers: rows.map(({ name, value }) => ({ name, value })),
      basicAuthUsername: username,
      connectTimeoutMs: connectTimeout,
      readTimeoutMs: readTimeout,
    };
    if (creating) {
      run(
        () => createWebhookEndpointAction({ ...fields, basicAuthPassword: password, enabled }),
        ({ id: created }) => router.push(`/webhooks/${created}?created=1`),
      );
      return;
    }
    // An empty "New password" keeps the saved one; only "Remove password" clears it.
    const passwordChange = passwordMode === "remove" ? { basicAuthPassword: null } : password ? { basicAuthPassword: password } : {};
    run(
      () => updateWebhookEndpointAction({ id: endpointId, changes: { ...fields, ...passwordChange } }),
      () => {
        // What the server now holds: a password only with a username, and only the one just typed or kept.
        const stillHasPassword = Boolean(username.trim()) && passwordMode !== "remove" && (password !== "" || hasPassword);
        setHasPassword(stillHasPassword);
        setPasswordMode(stillHasPassword ? "keep" : "replace");
        setPassword("");
        setSaved(true);
        router.refresh();
      },
    );
  }

  const eventsError = errorFor(error, "eventTypes");
  const headerErrors = errorsFor(error, "headers");
  const headerErrorFor = (name: string) => errorsFor(error, `headers.${name.trim()}`).find(([key]) => key.endsWith(`headers.${name.trim()}`))?.[1];
  const title = creating ? "Add endpoint" : "Settings";

  return (
    <form onSubmit={onSubmit} noValidate aria-label={creating ? "Add endpoint" : "Endpoint settings"} className="panel">
      {!creating && <h2>{title}</h2>}
      <FormAlert error={error} />
      {saved && (
        <Notice>
          Saved.
        </Notice>
      )}
      <TextField
        id={id("url")}
        label="URL"
        type="url"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        autoComplete="off"
        required
        placeholder="https://example.com/webhooks/delegate"
        hint="Where events are POSTed. Private and loopback addresses are refused unless the delivery settings allow them."
        error={errorFor(error, "url")}
      />
      <TextField
        id={id("description")}
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        autoComplete="off"
        error={errorFor(error, "description")}
      />

      <fieldset className={styles.fieldset} aria-describedby={eventsError ? id("events-error") : undefined}>
        <legend>Events</legend>
        {EVENT_TYPES.map((type) => (
          <div key={type} className={styles.checkbox}>
            <input
              id={id(type)}
              type="checkbox"
              checked={eventTypes.includes(type)}
              onChange={(e) => toggleEvent(type, e.target.checked)}
              aria-describedby={id(`${type}-hint`)}
            />
            <div>
              <label htmlFor={id(type)}>
                <code>{type}</code>
              </label>
              <span id={id(`${type}-hint`)} className={styles.checkboxHint}>
                {EVENT_DESCRIPTIONS[type]}
              </span>
            </div>
          </div>
        ))}
        {eventsError && (
          <p id={id("events-error")} className="field-error">
            {eventsError}
          </p>
        )}
      </fieldset>

      <fieldset className={styles.fieldset}>
        <legend>Custom headers</legend>
        {rows.length === 0 && <p className="muted">No custom headers. Each request carries the signature headers anyway.</p>}
        {rows.map((row, index) => {
          const rowError = row.name.trim() || row.value ? headerErrorFor(row.name) : undefined;
          return (
            <div key={row.key} className={styles.headerRow}>
              <div className="field">
                <label htmlFor={id(`header-name-${row.key}`)}>
                  Name<span className="visually-hidden"> of header {index + 1}</span>
                </label>
                <input
                  id={id(`header-name-${row.key}`)}
                  value={row.name}
                  onChange={(e) => updateRow(row.key, { name: e.target.value })}
                  autoComplete="off"
                  placeholder="X-Team"
                  aria-invalid={rowError ? true : undefined}
                  aria-describedby={rowError ? id(`header-error-${row.key}`) : undefined}
                />
                {rowError && (
                  <span id={id(`header-error-${row.key}`)} className="field-error">
                    {rowError}
                  </span>
                )}
              </div>
              <div className="field">
                <label htmlFor={id(`header-value-${row.key}`)}>
                  Value<span className="visually-hidden"> of header {index + 1}</span>
                </label>
                <input
                  id={id(`header-value-${row.key}`)}
                  value={row.value}
                  onChange={(e) => updateRow(row.key, { value: e.target.value })}
                  autoComplete="off"
                />
              </div>
              <button
                type="button"
                className="secondary"
                onClick={() => setRows((current) => current.filter((r) => r.key !== row.key))}
              >
                Remove<span className="visually-hidden"> header {index + 1}</span>
              </button>
            </div>
          );
        })}
        {headerErrors
          .filter(([key]) => !rows.some((row) => (row.name.trim() || row.value) && key.endsWith(`headers.${row.name.trim()}`)))
          .map(([key, message]) => (
            <p key={key} className="field-error">
              {message}
            </p>
          ))}
        <p>
          <button type="button" className="secondary" onClick={() => setRows((current) => [...current, { key: nextKey.current++, name: "", value: "" }])}>
            Add header
          </button>
        </p>
      </fieldset>

      <fieldset className={styles.fieldset}>
        <legend>HTTP basic auth</legend>
        <div className={styles.inline}>
          <TextField
            id={id("username")}
            label="Username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="off"
            error={errorFor(error, "basicAuthUsername")}
          />
          {passwordMode === "replace" ? (
            <TextField
              id={id("password")}
              label={hasPassword ? "New password" : "Password"}
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
              hint={hasPassword ? "Leave it empty to keep the saved password." : "Write-only: once saved, it is never shown again."}
              error={errorFor(error, "basicAuthPassword")}
            />
          ) : (
            <div className="field">
              <span className={styles.fieldLabel}>Password</span>
              <p className="muted" id={id("password-state")}>
                {passwordMode === "keep" ? "A password is set (it is never shown)." : "The password will be removed when you save."}
              </p>
            </div>
          )}
        </div>
        {!creating && hasPassword && (
          <p className="actions">
            {passwordMode !== "replace" && (
              <button type="button" className="secondary" onClick={() => setPasswordMode("replace")}>
                Replace password
              </button>
            )}
            {passwordMode !== "remove" && (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setPassword("");
                  setPasswordMode("remove");
                }}
              >
                Remove password
              </button>
            )}
            {passwordMode !== "keep" && (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setPassword("");
                  setPasswordMode("keep");
                }}
              >
                Keep the saved password
              </button>
            )}
          </p>
        )}
      </fieldset>

      <div className={styles.inline}>
        <TextField
          id={id("connect-timeout")}
          label="Connect timeout (ms)"
          type="number"
          inputMode="numeric"
          min={100}
          max={30000}
          step={100}
          value={connectTimeout}
          onChange={(e) => setConnectTimeout(e.target.value)}
          error={errorFor(error, "connectTimeoutMs")}
        />
        <TextField
          id={id("read-timeout")}
          label="Read timeout (ms)"
          type="number"
          inputMode="numeric"
          min={100}
          max={60000}
          step={100}
          value={readTimeout}
          onChange={(e) => setReadTimeout(e.target.value)}
          hint="How long to wait for the answer; a timeout is retried."
          error={errorFor(error, "readTimeoutMs")}
        />
      </div>

      {creating && (
        <div className={styles.checkbox}>
          <input
            id={id("enabled")}
            type="checkbox"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
            aria-describedby={id("enabled-hint")}
          />
          <div>
            <label htmlFor={id("enabled")}>Enabled</label>
            <span id={id("enabled-hint")} className={styles.checkboxHint}>
              Send events to this endpoint as soon as it is added.
            </span>
          </div>
        </div>
      )}

      <div className="actions">
        <button type="submit" disabled={pending}>
          {creating ? (pending ? "Adding endpoint…" : "Add endpoint") : pending ? "Saving…" : "Save"}
        </button>
        {creating && (
          <Link href="/webhooks" className="button secondary">
            Cancel
          </Link>
        )}
      </div>
    </form>
  );
}
