import Link from "next/link";
import { notFound } from "next/navigation";
import { Time } from "@/components/ui/time";
import { webhooksActor } from "@/components/webhooks/admin";
import { DeliveryLog } from "@/components/webhooks/delivery-log";
import { parseDeliveryQuery } from "@/components/webhooks/delivery-query";
import { RemoveSubscriptionButton } from "@/components/webhooks/remove-subscription-button";
import { SubscriptionCreatorText } from "@/components/webhooks/subscription-creator";
import { SubscriptionStatus } from "@/components/webhooks/subscription-status";
import { getRestHookSubscription } from "@/lib/rest-hooks/list-subscriptions-with-creators";
import { lastAttemptDurations } from "@/lib/webhooks/attempt-durations";
import { listDeliveries } from "@/lib/webhooks/list-deliveries";

export const metadata = { title: "REST hook subscription · Webhooks · Delegate" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function SubscriptionPage({ params, searchParams }: Props) {
  const actor = await webhooksActor();
  if (!actor) return null;
  const { id } = await params;
  const subscription = await getRestHookSubscription(actor, id);
  if (!subscription) notFound();
  const query = parseDeliveryQuery(await searchParams);
  const deliveries = await listDeliveries(actor, { subscriptionId: id }, query.input);
  const durations = await lastAttemptDurations(
    actor,
    deliveries.deliveries.map((delivery) => delivery.id),
  );
  const basePath = `/webhooks/rest-hooks/${id}`;

  return (
    <>
      <p>
        <Link href="/webhooks/rest-hooks">← REST hooks</Link>
      </p>
      <div className="page-header">
        <h1>Subscription {subscription.id}</h1>
        {!subscription.deletedAt && (
          <RemoveSubscriptionButton
            id={subscription.id}
            url={subscription.url}
            after={`/webhooks/rest-hooks?removed=${subscription.id}`}
          />
        )}
      </div>
      <section aria-labelledby="subscription-title" className="panel">
        <h2 id="subscription-title">User Registered subscription</h2>
        <dl className="props">
          <dt>URL</dt>
          <dd className="detail">{subscription.url}</dd>
          <dt>Authorization token</dt>
          <dd>{subscription.hasAuthorizationToken ? "Set (sent as Authorization: Token token=…; never shown)" : "None"}</dd>
          <dt>Created</dt>
          <dd>
            <Time value={subscription.createdAt} />
          </dd>
          <dt>Created by token</dt>
          <dd>
            <SubscriptionCreatorText creator={subscription.createdBy} />
          </dd>
          <dt>Status</dt>
          <dd>
            <SubscriptionStatus subscription={subscription} />
          </dd>
        </dl>
      </section>
      <section aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Delivery log</h2>
        <DeliveryLog
          basePath={basePath}
          page={deliveries}
          durations={durations}
          query={query}
          emptyText="No deliveries yet: each user registered after the subscription is delivered and logged here."
        />
      </section>
    </>
  );
}
