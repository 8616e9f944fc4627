"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert, TextAreaField, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { updateDeliverySettingsAction } from "@/lib/actions/webhooks";
import { errorFor } from "./action-errors";
import styles from "./webhooks.module.css";

export interface DeliverySettingsFormValues {
  /** What an Administrator saved; empty fields mean the default. */
  retrySchedule: string;
  disableAfter: string;
  outboundAllowlist: string;
}

/** Retry schedule, disable period and outbound allowlist. Workers pick the change up within 5 seconds. */
export function DeliverySettingsForm({
  initial,
  effective,
  environmentAllowlist,
}: {
  initial: DeliverySettingsFormValues;
  effective: { retrySchedule: string; disableAfter: string };
  environmentAllowlist: string[];
}) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  const [values, setValues] = useState(initial);
  const [saved, setSaved] = useState(false);
  const set = (field: keyof DeliverySettingsFormValues) => (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    run(
      () => updateDeliverySettingsAction(values),
      () => {
        setSaved(true);
        router.refresh();
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Delivery settings" className={`panel ${styles.formWide}`}>
      <FormAlert error={error} />
      {saved && (
        <Notice>
          Saved. Workers use the new settings within 5 seconds.
        </Notice>
      )}
      <TextField
        id="retry-schedule"
        label="Retry schedule"
        value={values.retrySchedule}
        onChange={set("retrySchedule")}
        autoComplete="off"
        placeholder={effective.retrySchedule}
        hint={
          <>
            The delay before each attempt, separated by commas (units ms, s, m, h, d; at most 1 day each, 20 attempts).
            Network errors, timeouts, 5xx, 408 and 429 are retried; other answers are final. Leave it empty for the
            default. In use now: <code>{effective.retrySchedule}</code>.
          </>
        }
        error={errorFor(error, "retrySchedule")}
      />
      <TextField
        id="disable-after"
        label="Disable endpoints failing for"
        value={values.disableAfter}
        onChange={set("disableAfter")}
        autoComplete="off"
        placeholder={effective.disableAfter}
        hint={
          <>
            An endpoint whose every attempt fails for this long is disabled, and its page says why. Leave it empty for
            the default. In use now: <code>{effective.disableAfter}</code>.
          </>
        }
        error={errorFor(error, "disableAfter")}
      />
      <TextAreaField
        id="outbound-allowlist"
        label="Outbound allowlist"
        rows={4}
        value={values.outboundAllowlist}
        onChange={set("outboundAllowlist")}
        spellCheck={false}
        hint={
          <>
            One host, IP address or CIDR range per line. Deliveries are refused to loopback, private, link-local and
            cloud metadata addresses (checked after DNS resolution) unless they are listed here: list only receivers you
            trust inside your network.
            {environmentAllowlist.length > 0 && (
              <>
                {" "}
                Always allowed (DELEGATE_OUTBOUND_ALLOWLIST): <code>{environmentAllowlist.join(", ")}</code>.
              </>
            )}
          </>
        }
        error={errorFor(error, "outboundAllowlist")}
      />
      <button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
