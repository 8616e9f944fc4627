import Link from "next/link";
import { notFound } from "next/navigation";
import { webhooksActor } from "@/components/webhooks/admin";
import { DeliveryDetailsView } from "@/components/webhooks/delivery-details";
import { DomainError } from "@/lib/errors";
import { getDeliveryDetails, type DeliveryDetails } from "@/lib/webhooks/list-deliveries";
import { getWebhookEndpoint } from "@/lib/webhooks/list-endpoints";
import type { WebhookEndpointView } from "@/lib/webhooks/view";

export const metadata = { title: "Delivery · Webhooks · Delegate" };

type Props = { params: Promise<{ id: string; deliveryId: string }> };

export default async function EndpointDeliveryPage({ params }: Props) {
  const actor = await webhooksActor();
  if (!actor) return null;
  const { id, deliveryId } = await params;
  let endpoint: WebhookEndpointView;
  let details: DeliveryDetails;
  try {
    [endpoint, details] = await Promise.all([getWebhookEndpoint(actor, id), getDeliveryDetails(actor, deliveryId)]);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") notFound();
    throw error;
  }
  if (details.delivery.endpointId !== endpoint.id) notFound();

  return (
    <>
      <p>
        <Link href={`/webhooks/${endpoint.id}`}>← {endpoint.url}</Link>
      </p>
      <h1>
        Delivery of <code>{details.delivery.eventType}</code>
      </h1>
      <DeliveryDetailsView details={details} body={details.payload} bodyTitle="Event sent (the request body)" />
    </>
  );
}
