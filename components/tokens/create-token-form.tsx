"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { createApiTokenAction } from "@/lib/actions/api-tokens";

export function CreateTokenForm() {
  const router = useRouter();
  const { error, pending, run, fieldError } = useAction();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get("name") ?? "");
    setCreated(null);
    setCopied(false);
    run(
      () => createApiTokenAction({ name }),
      (data) => {
        formElement.reset();
        setCreated(data);
        router.refresh();
      },
    );
  }

  async function copy(token: string) {
    await navigator.clipboard.writeText(token).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="create-token-title" className="panel">
      <h2 id="create-token-title">Create a token</h2>
      <FormAlert error={error} />
      {created && (
        <Notice>
          <p>
            The token <strong>{created.name}</strong> is created. Copy it now: it is shown only once.
          </p>
          <p>
            <code className="secret" aria-label="New API token">
              {created.token}
            </code>{" "}
            <button type="button" className="secondary" onClick={() => copy(created.token)}>
              {copied ? "Copied" : "Copy"}
            </button>
          </p>
        </Notice>
      )}
      <TextField
        id="token-name"
        name="name"
        label="Name"
        autoComplete="off"
        hint="What the token is for, e.g. “HR sync”. It acts with your roles."
        error={fieldError("name")}
      />
      <button type="submit" disabled={pending}>
        {pending ? "Creating token…" : "Create token"}
      </button>
    </form>
  );
}
