"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Time } from "@/components/ui/time";
import { deleteHookSecretAction, setHookSecretAction } from "@/lib/actions/hook-secrets";
import styles from "./post-registration.module.css";

/** The post-registration hook's `context.webtask.secrets`: names listed, values write-only. */
export function HookSecretsPanel({ secrets }: { secrets: { name: string; updatedAt: string }[] }) {
  const router = useRouter();
  const form = useAction();
  const removal = useAction();
  const [done, setDone] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [value, setValue] = useState("");

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    const replacing = secrets.some((secret) => secret.name === name.trim());
    form.run(
      () => setHookSecretAction({ name, value }),
      (saved) => {
        setDone(replacing ? `The value of ${saved.name} is replaced.` : `The secret ${saved.name} is saved.`);
        setName("");
        setValue("");
        router.refresh();
      },
    );
  }

  function remove(secretName: string) {
    setDone(null);
    removal.run(
      () => deleteHookSecretAction({ name: secretName }),
      () => {
        setDone(`The secret ${secretName} is deleted.`);
        router.refresh();
      },
    );
  }

  return (
    <section aria-labelledby="hook-secrets-title" className="panel">
      <h2 id="hook-secrets-title">Secrets</h2>
      <p className="muted">
        Available to the hook as <code>context.webtask.secrets.NAME</code>. Values are stored encrypted and never
        shown again: to change one, save the same name with a new value. The Runner does not get them.
      </p>
      <FormAlert error={removal.error} />
      {done && (
        <Notice>
          {done}
        </Notice>
      )}
      {secrets.length ? (
        <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Saved secrets</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {secrets.map((secret) => (
              <tr key={secret.name}>
                <th scope="row">
                  <code>{secret.name}</code>
                </th>
                <td className="muted">Set (hidden)</td>
                <td>
                  <Time value={secret.updatedAt} />
                </td>
                <td>
                  <ConfirmButton
                    label={`Delete ${secret.name}`}
                    title={`Delete the secret ${secret.name}?`}
                    description={<>The hook will no longer find context.webtask.secrets.{secret.name}. This cannot be undone.</>}
                    confirmLabel="Delete secret"
                    disabled={removal.pending}
                    onConfirm={() => remove(secret.name)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : (
        <p className="muted">No secrets yet.</p>
      )}
      <form onSubmit={onSubmit} noValidate aria-label="Add or replace a secret" className={styles.addSecret}>
        <h3>Add or replace a secret</h3>
        <FormAlert error={form.error} />
        <TextField
          id="hook-secret-name"
          label="Secret name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          placeholder="CRM_API_KEY"
          error={form.fieldError("name")}
        />
        <TextField
          id="hook-secret-value"
          label="Secret value"
          type="password"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoComplete="new-password"
          error={form.fieldError("value")}
        />
        <button type="submit" disabled={form.pending}>
          {form.pending ? "Saving secret…" : "Save secret"}
        </button>
      </form>
    </section>
  );
}
