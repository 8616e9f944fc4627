import Link from "next/link";
import { notFound } from "next/navigation";
import { Notice } from "@/components/ui/notice";
import { Time } from "@/components/ui/time";
import { webhooksActor } from "@/components/webhooks/admin";
import { DeliveryLog } from "@/components/webhooks/delivery-log";
import { oneDayAgo, parseDeliveryQuery } from "@/components/webhooks/delivery-query";
import { EndpointActions } from "@/components/webhooks/endpoint-actions";
import { EndpointForm } from "@/components/webhooks/endpoint-form";
import { RedeliverFailedForm } from "@/components/webhooks/redeliver-failed-form";
import { SigningSecret } from "@/components/webhooks/signing-secret";
import { EndpointStatusBadge } from "@/components/webhooks/status";
import { TestEventPanel } from "@/components/webhooks/test-event-panel";
import styles from "@/components/webhooks/webhooks.module.css";
import { DomainError } from "@/lib/errors";
import { EVENT_TYPES, type EventType } from "@/lib/events/types";
import { lastAttemptDurations } from "@/lib/webhooks/attempt-durations";
import { getDeliverySettings } from "@/lib/webhooks/delivery-settings";
import { getExampleEvent } from "@/lib/webhooks/example-event";
import { isDisabledAutomatically } from "@/lib/webhooks/disabled-reason";
import { listDeliveries } from "@/lib/webhooks/list-deliveries";
import { getWebhookEndpoint } from "@/lib/webhooks/list-endpoints";
import type { WebhookEndpointView } from "@/lib/webhooks/view";

export const metadata = { title: "Endpoint · Webhooks · Delegate" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function EndpointPage({ params, searchParams }: Props) {
  const actor = await webhooksActor();
  if (!actor) return null;
  const { id } = await params;
  let endpoint: WebhookEndpointView;
  try {
    endpoint = await getWebhookEndpoint(actor, id);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") notFound();
    throw error;
  }
  const search = await searchParams;
  const query = parseDeliveryQuery(search);
  const [deliveries, settings, examples] = await Promise.all([
    listDeliveries(actor, { endpointId: id }, query.input),
    getDeliverySettings(actor),
    Promise.all(EVENT_TYPES.map(async (type) => [type, JSON.stringify(await getExampleEvent(actor, type), null, 2)] as const)),
  ]);
  const durations = await lastAttemptDurations(
    actor,
    deliveries.deliveries.map((delivery) => delivery.id),
  );
  const automatic = isDisabledAutomatically(endpoint);
  const basePath = `/webhooks/${id}`;

  return (
    <>
      <p>
        <Link href="/webhooks">← Webhooks</Link>
      </p>
      <div className="page-header">
        <div>
          <h1 className="detail">{endpoint.url}</h1>
          {endpoint.description && <p className="muted">{endpoint.description}</p>}
        </div>
        <EndpointStatusBadge endpoint={endpoint} />
      </div>
      {search.created === "1" && <Notice>The endpoint is added.</Notice>}

      {!endpoint.enabled && (
        <section aria-labelledby="disabled-title" className={styles.disabledBox}>
          <h2 id="disabled-title">{automatic ? "Disabled automatically" : "Disabled"}</h2>
          <p>{endpoint.disabledReason ?? "No events are sent to this endpoint."}</p>
          <p>
            {endpoint.disabledAt && (
              <>
                Since <Time value={endpoint.disabledAt} />.{" "}
              </>
            )}
            Events that happen while it is disabled are not delivered to it. Enable it to receive new events, then
            redeliver the failed ones.
          </p>
        </section>
      )}
      {endpoint.enabled && endpoint.failingSince && (
        <p className={styles.warningBox}>
          Every delivery has failed since <Time value={endpoint.failingSince} />. If it keeps failing for{" "}
          {settings.effective.disableAfter} in all, the endpoint is disabled automatically.
        </p>
      )}

      <EndpointActions endpointId={endpoint.id} url={endpoint.url} enabled={endpoint.enabled} />

      <div className={styles.columns}>
        <EndpointForm
          endpointId={endpoint.id}
          initial={{
            url: endpoint.url,
            description: endpoint.description,
            eventTypes: endpoint.eventTypes,
            headers: endpoint.headers,
            basicAuthUsername: endpoint.basicAuthUsername,
            hasBasicAuthPassword: endpoint.hasBasicAuthPassword,
            connectTimeoutMs: endpoint.connectTimeoutMs,
            readTimeoutMs: endpoint.readTimeoutMs,
          }}
        />
        <div>
          <SigningSecret
            owner={{ kind: "endpoint", id: endpoint.id }}
            secret={endpoint.secret}
            previousSecretExpiresAt={endpoint.previousSecretExpiresAt?.toISOString() ?? null}
          />
          <TestEventPanel
            endpointId={endpoint.id}
            examples={Object.fromEntries(examples) as Record<EventType, string>}
            initialType={endpoint.eventTypes[0] ?? "user.registration.create.complete"}
          />
        </div>
      </div>

      <section aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Delivery log</h2>
        <div className="panel">
          <RedeliverFailedForm endpointId={endpoint.id} defaultSince={oneDayAgo()} />
        </div>
        <DeliveryLog
          basePath={basePath}
          page={deliveries}
          durations={durations}
          query={query}
          emptyText="No deliveries yet: each event this endpoint subscribes to is delivered and logged here."
        />
      </section>
    </>
  );
}
