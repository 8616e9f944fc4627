import { Time } from "@/components/ui/time";
import type { DeliveryDetails } from "@/lib/webhooks/list-deliveries";
import { AutoRefresh } from "./auto-refresh";
import { awaitingOutcome } from "./delivery-query";
import { RedeliverButton } from "./redeliver-button";
import { formatMs } from "./format";
import { DeliveryStatusBadge } from "./status";
import styles from "./webhooks.module.css";

/** One delivery: its state, every attempt (oldest first) with the receiver's answer, and the event sent. */
export function DeliveryDetailsView({
  details,
  body,
  bodyTitle,
}: {
  details: DeliveryDetails;
  /** What the receiver gets (the stored event for webhooks, seed 002's body for REST hooks). */
  body: unknown;
  bodyTitle: string;
}) {
  const { delivery, attempts } = details;
  return (
    <>
      <AutoRefresh active={awaitingOutcome([delivery])} />
      <section aria-labelledby="delivery-title" className="panel">
        <div className={styles.sectionHeader}>
          <h2 id="delivery-title">Delivery</h2>
          {delivery.status !== "in_flight" && <RedeliverButton deliveryId={delivery.id} label="this delivery" />}
        </div>
        <dl className="props">
          <dt>Status</dt>
          <dd>
            <DeliveryStatusBadge status={delivery.status} />
            {delivery.status === "pending" && delivery.nextAttemptAt && (
              <span className="muted">
                {" "}
                next attempt <Time value={delivery.nextAttemptAt} />
              </span>
            )}
          </dd>
          <dt>Event type</dt>
          <dd>
            <code>{delivery.eventType}</code>
          </dd>
          <dt>Event ID (webhook-id)</dt>
          <dd>
            <code>{delivery.eventId}</code>
          </dd>
          <dt>Created</dt>
          <dd>
            <Time value={delivery.createdAt} />
          </dd>
          <dt>Attempts</dt>
          <dd>{delivery.attemptCount}</dd>
          <dt>Last status code</dt>
          <dd>{delivery.lastStatusCode ?? <span className="muted">—</span>}</dd>
          <dt>Last error</dt>
          <dd>{delivery.lastError ?? <span className="muted">—</span>}</dd>
        </dl>
      </section>

      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title">Attempts</h2>
        {attempts.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Result</th>
                  <th scope="col">Status code</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Response body (first 4 KB)</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((attempt) => (
                  <tr key={`${attempt.attemptNumber}-${new Date(attempt.createdAt).getTime()}`}>
                    <th scope="row">{attempt.attemptNumber}</th>
                    <td>
                      <Time value={attempt.createdAt} />
                    </td>
                    <td>
                      {attempt.succeeded ? <span className="badge ok">Succeeded</span> : <span className="badge danger">Failed</span>}
                    </td>
                    <td>{attempt.statusCode ?? <span className="muted">—</span>}</td>
                    <td className="nowrap">{formatMs(attempt.durationMs)}</td>
                    <td>
                      {attempt.responseBody ? (
                        <pre className={styles.body}>{attempt.responseBody}</pre>
                      ) : (
                        <span className="muted">Empty</span>
                      )}
                    </td>
                    <td className="detail">{attempt.error ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="empty panel">No attempt yet: the delivery is waiting for the worker.</p>
        )}
      </section>

      <section aria-labelledby="payload-title">
        <h2 id="payload-title">{bodyTitle}</h2>
        <pre className="json" aria-labelledby="payload-title">
          {JSON.stringify(body, null, 2)}
        </pre>
      </section>
    </>
  );
}
