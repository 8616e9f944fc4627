"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert, SelectField, TextAreaField, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Notice } from "@/components/ui/notice";
import {
  createApplicationAction,
  deleteApplicationAction,
  rotateClientSecretAction,
  updateApplicationAction,
} from "@/lib/actions/applications";
import type { ApplicationView } from "@/lib/schemas/application";

const lines = (text: FormDataEntryValue | null) =>
  String(text ?? "")
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

/** The fields both forms send, read from the form (lists: one per line or comma-separated). */
function readFields(form: HTMLFormElement) {
  const data = new FormData(form);
  return {
    name: String(data.get("name") ?? ""),
    callbacks: lines(data.get("callbacks")),
    allowed_logout_urls: lines(data.get("allowed_logout_urls")),
    allowed_connections: lines(data.get("allowed_connections")),
    allowed_memberships: lines(data.get("allowed_memberships")),
    is_first_party: data.get("is_first_party") === "on",
    groups_claim: String(data.get("groups_claim") ?? "") || "groups",
  };
}

function SharedFields({ app, fieldError }: { app?: ApplicationView; fieldError: (name: string) => string | undefined }) {
  return (
    <>
      <TextField id="app-name" name="name" label="Name" defaultValue={app?.name} autoComplete="off" error={fieldError("name")} />
      <TextAreaField id="app-callbacks" name="callbacks" label="Callback URLs" defaultValue={app?.callbacks.join("\n")} rows={3}
        hint="One per line; matched exactly. https, or http for localhost and 127.0.0.1." error={fieldError("callbacks")} />
      <TextAreaField id="app-logout-urls" name="allowed_logout_urls" label="Allowed logout URLs" defaultValue={app?.allowed_logout_urls.join("\n")} rows={2}
        hint="Where RP-initiated logout may return; matched exactly." error={fieldError("allowed_logout_urls")} />
      <TextField id="app-connections" name="allowed_connections" label="Allowed connections" defaultValue={app?.allowed_connections.join(", ")}
        hint="Comma-separated connection names; empty = every database connection." error={fieldError("allowed_connections")} />
      <TextField id="app-memberships" name="allowed_memberships" label="Allowed memberships" defaultValue={app?.allowed_memberships.join(", ")}
        hint="Users need one of these memberships to sign in; empty = everyone." error={fieldError("allowed_memberships")} />
      <TextField id="app-groups-claim" name="groups_claim" label="Groups claim" defaultValue={app?.groups_claim ?? "groups"}
        hint="The claim that carries the user's memberships." error={fieldError("groups_claim")} />
      <div className="field">
        <label>
          <input type="checkbox" name="is_first_party" defaultChecked={app?.is_first_party ?? true} /> First-party (no consent screen)
        </label>
      </div>
    </>
  );
}

export function CreateApplicationForm() {
  const router = useRouter();
  const { error, pending, run, fieldError } = useAction();
  const [created, setCreated] = useState<{ name: string; client_id: string; client_secret: string | null } | null>(null);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const appType = String(new FormData(form).get("app_type") ?? "regular_web") as ApplicationView["app_type"];
    setCreated(null);
    run(
      () => createApplicationAction({ ...readFields(form), app_type: appType }),
      (data) => {
        form.reset();
        setCreated(data);
        router.refresh();
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="create-app-title" className="panel">
      <h2 id="create-app-title">Register an application</h2>
      <FormAlert error={error} />
      {created && (
        <Notice>
          <p>
            <strong>{created.name}</strong> is registered. client_id: <code>{created.client_id}</code>
          </p>
          {created.client_secret && (
            <p>
              client_secret (copy it now: it is shown only once): <code className="secret" aria-label="New client secret">{created.client_secret}</code>
            </p>
          )}
        </Notice>
      )}
      <SelectField id="app-type" name="app_type" label="Application type" defaultValue="regular_web" error={fieldError("app_type")}
        options={[
          { value: "regular_web", label: "Regular web application (server-side, with a secret)" },
          { value: "spa", label: "Single-page application (PKCE, no secret)" },
          { value: "native", label: "Native application (PKCE, no secret)" },
        ]} />
      <SharedFields fieldError={fieldError} />
      <button type="submit" disabled={pending}>
        {pending ? "Registering…" : "Register application"}
      </button>
    </form>
  );
}

export function EditApplicationForm({ app }: { app: ApplicationView }) {
  const router = useRouter();
  const { error, pending, run, fieldError } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setNotice(null);
    run(
      () => updateApplicationAction({ client_id: app.client_id, changes: readFields(form) }),
      () => {
        setNotice("Saved.");
        router.refresh();
      },
    );
  }

  return (
    <>
      <form onSubmit={onSubmit} noValidate aria-labelledby={`edit-${app.client_id}`} className="panel">
        <h2 id={`edit-${app.client_id}`}>Settings</h2>
        <FormAlert error={error} />
        {notice && <Notice>{notice}</Notice>}
        <SharedFields app={app} fieldError={fieldError} />
        <button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </button>
      </form>
      <div className="actions">
        {app.app_type === "regular_web" && (
          <ConfirmButton
            label="Rotate secret"
            title="Rotate the client secret?"
            description={<>The current secret stops working at once; the new one is shown once.</>}
            confirmLabel="Rotate secret"
            disabled={pending}
            onConfirm={() => run(() => rotateClientSecretAction({ client_id: app.client_id }), (data) => setSecret(data.client_secret))}
          />
        )}
        <ConfirmButton
          label="Delete"
          title="Delete this application?"
          description={<>Its users are signed out of it and its tokens stop working. This cannot be undone.</>}
          confirmLabel="Delete application"
          disabled={pending}
          onConfirm={() => run(() => deleteApplicationAction({ client_id: app.client_id }), () => router.push("/settings/applications"))}
        />
      </div>
      {secret && (
        <Notice>
          New client_secret (shown only once): <code className="secret" aria-label="New client secret">{secret}</code>
        </Notice>
      )}
    </>
  );
}
