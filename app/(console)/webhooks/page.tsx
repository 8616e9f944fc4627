import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { Time } from "@/components/ui/time";
import { webhooksActor } from "@/components/webhooks/admin";
import { DeliveryStatusBadge, EndpointStatusBadge } from "@/components/webhooks/status";
import { lastDeliveryByEndpoint } from "@/lib/webhooks/last-deliveries";
import { listWebhookEndpoints } from "@/lib/webhooks/list-endpoints";

export const metadata = { title: "Webhooks · Delegate" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function WebhooksPage({ searchParams }: Props) {
  const actor = await webhooksActor();
  if (!actor) return null;
  const endpoints = await listWebhookEndpoints(actor);
  const lastDeliveries = await lastDeliveryByEndpoint(
    actor,
    endpoints.map((endpoint) => endpoint.id),
  );
  const deleted = (await searchParams).deleted;

  return (
    <>
      <div className="page-header">
        <h1>Webhooks</h1>
        <Link href="/webhooks/new" className="button">
          Add endpoint
        </Link>
      </div>
      <p className="muted">
        Endpoints receive a signed POST (Standard Webhooks headers <code>webhook-id</code>,{" "}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>) for each event they subscribe to. Failed
        deliveries are retried on the schedule of the delivery settings; an endpoint that keeps failing is disabled.
      </p>
      {typeof deleted === "string" && <Notice>The endpoint {deleted} is deleted.</Notice>}
      {endpoints.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Description</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Last delivery</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((endpoint) => {
                const last = lastDeliveries.get(endpoint.id);
                return (
                  <tr key={endpoint.id}>
                    <th scope="row">
                      <Link href={`/webhooks/${endpoint.id}`} className="detail">
                        {endpoint.url}
                      </Link>
                    </th>
                    <td>{endpoint.description || <span className="muted">—</span>}</td>
                    <td>
                      {endpoint.eventTypes.map((type) => (
                        <span key={type} className="badge">
                          {type}
                        </span>
                      ))}
                    </td>
                    <td>
                      <EndpointStatusBadge endpoint={endpoint} />
                      {endpoint.disabledReason && <div className="detail field-error">{endpoint.disabledReason}</div>}
                      {endpoint.enabled && endpoint.failingSince && (
                        <div className="detail muted">
                          Failing since <Time value={endpoint.failingSince} />
                        </div>
                      )}
                    </td>
                    <td>
                      {last ? (
                        <>
                          <DeliveryStatusBadge status={last.status} />
                          {last.lastStatusCode !== null && <span className="muted"> {last.lastStatusCode}</span>}
                          <div className="detail muted">
                            <Time value={last.updatedAt} />
                          </div>
                        </>
                      ) : (
                        <span className="muted">None yet</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="empty panel">
          <p>No webhook endpoints yet.</p>
          <Link href="/webhooks/new">Add the first endpoint</Link>
        </div>
      )}
    </>
  );
}
