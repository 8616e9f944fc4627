"use client";

import { useId, useState } from "react";
import { FormAlert, SelectField, TextAreaField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { sendTestEventAction } from "@/lib/actions/webhooks";
import { EVENT_TYPES, type EventType } from "@/lib/events/types";
import { errorFor } from "./action-errors";
import { formatMs } from "./format";
import styles from "./webhooks.module.css";

interface TestResult {
  succeeded: boolean;
  statusCode: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  messageId: string;
}

/** "Send test event": an example event of the chosen type, editable as JSON, sent now; shows the receiver's answer. */
export function TestEventPanel({
  endpointId,
  examples,
  initialType,
}: {
  endpointId: string;
  examples: Record<EventType, string>;
  initialType: EventType;
}) {
  const { error, pending, run } = useAction();
  const [eventType, setEventType] = useState<EventType>(initialType);
  const [payload, setPayload] = useState(examples[initialType]);
  const [result, setResult] = useState<TestResult | null>(null);
  const ids = useId();

  function send(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    run(() => sendTestEventAction({ id: endpointId, eventType, payload }), setResult);
  }

  return (
    <section aria-labelledby={`${ids}-title`} className="panel">
      <h2 id={`${ids}-title`}>Send test event</h2>
      <form onSubmit={send} noValidate aria-label="Send test event">
        <p className="muted">
          Sends the event below to this endpoint now, signed like a real delivery (also when the endpoint is disabled). It
          is not retried and not added to the delivery log.
        </p>
        <FormAlert error={error} />
        <SelectField
          id={`${ids}-type`}
          label="Event type"
          value={eventType}
          onChange={(e) => {
            const type = e.target.value as EventType;
            setEventType(type);
            setPayload(examples[type]);
          }}
          options={EVENT_TYPES}
          hint="Choosing a type replaces the event below with its example."
          error={errorFor(error, "eventType")}
        />
        <TextAreaField
          id={`${ids}-payload`}
          label="Event (JSON)"
          className={styles.payload}
          value={payload}
          spellCheck={false}
          onChange={(e) => setPayload(e.target.value)}
          hint={
            <>
              The <code>webhook-id</code> header is the event&apos;s <code>event.id</code>.
            </>
          }
          error={errorFor(error, "payload")}
        />
        <div className="actions">
          <button type="submit" disabled={pending}>
            {pending ? "Sending test event…" : "Send test event"}
          </button>
          <button type="button" className="secondary" disabled={pending} onClick={() => setPayload(examples[eventType])}>
            Reset to the example
          </button>
        </div>
      </form>
      <div role="status" aria-label="Test event response" className={result ? styles.response : undefined}>
        {result && (
          <>
            <p>
              {result.succeeded ? <span className="badge ok">Succeeded</span> : <span className="badge danger">Failed</span>}{" "}
              Status <strong>{result.statusCode ?? "none"}</strong> in <strong>{formatMs(result.durationMs)}</strong>
              <span className="muted">
                {" "}
                · webhook-id <code>{result.messageId}</code>
              </span>
            </p>
            {result.error && <p className="field-error">{result.error}</p>}
            <h3>Response body</h3>
            {result.responseBody ? (
              <pre aria-label="Response body">{result.responseBody}</pre>
            ) : (
              <p className="muted">The receiver answered with an empty body.</p>
            )}
          </>
        )}
      </div>
    </section>
  );
}
