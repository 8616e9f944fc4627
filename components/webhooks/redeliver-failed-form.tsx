"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { FormAlert, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { redeliverFailedSinceAction } from "@/lib/actions/webhooks";
import { errorFor } from "./action-errors";
import styles from "./webhooks.module.css";

/** "Redeliver failed since <datetime>": every failed delivery of the endpoint created since then is sent again. */
export function RedeliverFailedForm({ endpointId, defaultSince }: { endpointId: string; defaultSince: string }) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  const [since, setSince] = useState(defaultSince);
  const [done, setDone] = useState<string | null>(null);
  const id = useId();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    run(
      () => redeliverFailedSinceAction({ id: endpointId, since }),
      ({ count }) => {
        setDone(
          count === 0
            ? "No failed deliveries since then: nothing to redeliver."
            : `${count} failed ${count === 1 ? "delivery is" : "deliveries are"} queued again.`,
        );
        router.refresh();
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Redeliver failed deliveries">
      <FormAlert error={error} />
      {done && (
        <Notice>
          {done}
        </Notice>
      )}
      <div className={styles.redeliverForm}>
        <TextField
          id={`${id}-since`}
          label="Failed since (UTC)"
          type="datetime-local"
          value={since}
          onChange={(e) => setSince(e.target.value)}
          error={errorFor(error, "since")}
        />
        <div className="field">
          <button type="submit" className="secondary" disabled={pending}>
            {pending ? "Redelivering…" : "Redeliver failed deliveries"}
          </button>
        </div>
      </div>
    </form>
  );
}
