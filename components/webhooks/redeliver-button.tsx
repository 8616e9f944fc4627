"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/forms/use-action";
import { redeliverDeliveryAction } from "@/lib/actions/webhooks";

/** Queues one delivery again; its error, if any, shows beside the button. */
export function RedeliverButton({ deliveryId, label }: { deliveryId: string; label: string }) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={pending}
        onClick={() => run(() => redeliverDeliveryAction({ deliveryId }), () => router.refresh())}
      >
        {pending ? "Redelivering…" : "Redeliver"}
        <span className="visually-hidden"> {label}</span>
      </button>
      {error && (
        <span role="alert" className="field-error">
          {error.message}
        </span>
      )}
    </>
  );
}
