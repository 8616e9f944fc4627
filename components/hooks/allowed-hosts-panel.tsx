"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert, TextAreaField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { updatePostRegistrationHostsAction } from "@/lib/actions/hook-secrets";

/** The hosts the post-registration hook's `fetch` may reach; every other host is refused. */
export function AllowedHostsPanel({ allowedHosts }: { allowedHosts: string[] }) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  const [text, setText] = useState(allowedHosts.join("\n"));
  const [saved, setSaved] = useState(false);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    run(
      () => updatePostRegistrationHostsAction({ allowedHosts: text }),
      (settings) => {
        setText(settings.allowedHosts.join("\n"));
        setSaved(true);
        router.refresh();
      },
    );
  }

  const fieldError = Object.entries(error?.fieldErrors ?? {}).find(([key]) => key.startsWith("allowedHosts"))?.[1];

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="allowed-hosts-title" className="panel">
      <h2 id="allowed-hosts-title">Allowed hosts</h2>
      <p className="muted">
        The hook&apos;s <code>fetch</code> may call these hosts only (with a time limit). Private and loopback addresses
        also need the outbound allowlist of the webhooks&apos; delivery settings.
      </p>
      <FormAlert error={error} />
      {saved && (
        <Notice>
          Saved.
        </Notice>
      )}
      <TextAreaField
        id="allowed-hosts"
        label="Hosts"
        rows={4}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        hint="One per line: a host name (api.example.com), *.example.com for its subdomains, or an IP address."
        error={fieldError}
      />
      <button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save allowed hosts"}
      </button>
    </form>
  );
}
