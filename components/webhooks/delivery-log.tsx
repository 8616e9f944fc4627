import Link from "next/link";
import { FilterForm } from "@/components/ui/filter-form";
import { Pager } from "@/components/ui/pager";
import { Time } from "@/components/ui/time";
import { EVENT_TYPES } from "@/lib/events/types";
import type { DeliveryPage } from "@/lib/webhooks/list-deliveries";
import { AutoRefresh } from "./auto-refresh";
import { awaitingOutcome, type DeliveryQuery } from "./delivery-query";
import { RedeliverButton } from "./redeliver-button";
import { formatMs } from "./format";
import { DeliveryStatusBadge, deliveryStatusOptions } from "./status";
import styles from "./webhooks.module.css";

/** An endpoint's or subscription's deliveries, newest first, with filters, paging and Redeliver. */
export function DeliveryLog({
  basePath,
  page,
  durations,
  query,
  emptyText,
}: {
  /** The owner's page; a delivery's attempts are at `${basePath}/deliveries/<id>`. */
  basePath: string;
  page: DeliveryPage;
  durations: Map<string, number>;
  query: DeliveryQuery;
  /** What the log says before the first delivery. */
  emptyText: string;
}) {
  const { values } = query;
  const filtered = Boolean(values.status || values.event_type || values.since);
  const waiting = awaitingOutcome(page.deliveries);
  return (
    <>
      <AutoRefresh active={waiting} />
      <FilterForm action={basePath} label="Delivery log filters">
        <div className="field">
          <label htmlFor="delivery-status">Status</label>
          <select id="delivery-status" name="status" defaultValue={values.status ?? ""}>
            <option value="">Any status</option>
            {deliveryStatusOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="delivery-event-type">Event type</label>
          <select id="delivery-event-type" name="event_type" defaultValue={values.event_type ?? ""}>
            <option value="">Any event type</option>
            {EVENT_TYPES.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="delivery-since">Since (UTC)</label>
          <input id="delivery-since" name="since" type="datetime-local" defaultValue={values.since ?? ""} />
        </div>
        <div className="field">
          <button type="submit">Filter</button>
        </div>
        {filtered && (
          <div className="field">
            <Link href={basePath}>Clear filters</Link>
          </div>
        )}
      </FilterForm>
      {query.invalid && (
        <div role="alert" className="alert">
          The filters in the address are not valid: the whole log is shown.
        </div>
      )}
      <p className="muted">
        {page.total} {page.total === 1 ? "delivery" : "deliveries"}
        {filtered ? " match the filters" : ""}.
      </p>
      {page.deliveries.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event type</th>
                <th scope="col">Event ID</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last status code</th>
                <th scope="col">Duration</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.deliveries.map((delivery) => {
                const duration = durations.get(delivery.id);
                return (
                  <tr key={delivery.id}>
                    <td>
                      <Link href={`${basePath}/deliveries/${delivery.id}`}>
                        <Time value={delivery.createdAt} />
                        <span className="visually-hidden"> attempts of event {delivery.eventId}</span>
                      </Link>
                    </td>
                    <td>
                      <code>{delivery.eventType}</code>
                    </td>
                    <td>
                      <code className={styles.mono}>{delivery.eventId}</code>
                    </td>
                    <td>
                      <DeliveryStatusBadge status={delivery.status} />
                      {delivery.status === "pending" && delivery.nextAttemptAt && delivery.attemptCount > 0 && (
                        <div className="muted detail">
                          Next attempt <Time value={delivery.nextAttemptAt} />
                        </div>
                      )}
                      {delivery.lastError && delivery.status !== "succeeded" && <div className="detail muted">{delivery.lastError}</div>}
                    </td>
                    <td>{delivery.attemptCount}</td>
                    <td>{delivery.lastStatusCode ?? <span className="muted">—</span>}</td>
                    <td className="nowrap">{duration === undefined ? <span className="muted">—</span> : formatMs(duration)}</td>
                    <td>
                      {delivery.status !== "in_flight" && (
                        <RedeliverButton deliveryId={delivery.id} label={`the delivery of event ${delivery.eventId}`} />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty panel">
          {filtered ? (
            <>
              No deliveries match these filters. <Link href={basePath}>Show every delivery</Link>
            </>
          ) : (
            emptyText
          )}
        </p>
      )}
      <Pager
        path={basePath}
        query={{ ...values }}
        page={page.page}
        perPage={page.perPage}
        total={page.total}
        label="Delivery log pages"
      />
    </>
  );
}
