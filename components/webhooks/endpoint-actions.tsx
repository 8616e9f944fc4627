"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { deleteWebhookEndpointAction, setWebhookEndpointEnabledAction } from "@/lib/actions/webhooks";

/** Enable or disable the endpoint, or delete it with its delivery log. */
export function EndpointActions({ endpointId, url, enabled }: { endpointId: string; url: string; enabled: boolean }) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  const [done, setDone] = useState<string | null>(null);

  function setEnabled(next: boolean) {
    setDone(null);
    run(
      () => setWebhookEndpointEnabledAction({ id: endpointId, enabled: next }),
      () => {
        setDone(next ? "The endpoint is enabled: new events are sent to it." : "The endpoint is disabled: no events are sent to it.");
        router.refresh();
      },
    );
  }

  return (
    <section aria-label="Endpoint actions" className="user-actions">
      <FormAlert error={error} />
      {done && (
        <Notice>
          {done}
        </Notice>
      )}
      <div className="actions">
        {enabled ? (
          <button type="button" className="secondary" disabled={pending} onClick={() => setEnabled(false)}>
            Disable endpoint
          </button>
        ) : (
          <button type="button" disabled={pending} onClick={() => setEnabled(true)}>
            Enable endpoint
          </button>
        )}
        <ConfirmButton
          label="Delete endpoint"
          title="Delete this endpoint?"
          description={
            <>
              {url} will receive no more events, and its delivery log is removed with it. This cannot be undone.
            </>
          }
          confirmLabel="Delete endpoint"
          disabled={pending}
          onConfirm={() =>
            run(
              () => deleteWebhookEndpointAction({ id: endpointId }),
              () => router.push(`/webhooks?deleted=${encodeURIComponent(url)}`),
            )
          }
        />
      </div>
    </section>
  );
}
