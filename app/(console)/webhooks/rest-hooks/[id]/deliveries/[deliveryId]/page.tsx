import Link from "next/link";
import { notFound } from "next/navigation";
import { webhooksActor } from "@/components/webhooks/admin";
import { DeliveryDetailsView } from "@/components/webhooks/delivery-details";
import { DomainError } from "@/lib/errors";
import type { RegistrationEvent } from "@/lib/events/types";
import { userRegisteredPayload } from "@/lib/rest-hooks/payload";
import { getDeliveryDetails, type DeliveryDetails } from "@/lib/webhooks/list-deliveries";

export const metadata = { title: "REST hook delivery · Webhooks · Delegate" };

type Props = { params: Promise<{ id: string; deliveryId: string }> };

export default async function SubscriptionDeliveryPage({ params }: Props) {
  const actor = await webhooksActor();
  if (!actor) return null;
  const { id, deliveryId } = await params;
  let details: DeliveryDetails;
  try {
    details = await getDeliveryDetails(actor, deliveryId);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") notFound();
    throw error;
  }
  if (details.delivery.subscriptionId !== id) notFound();
  const { event } = details.payload as { event: RegistrationEvent };

  return (
    <>
      <p>
        <Link href={`/webhooks/rest-hooks/${id}`}>← Subscription {id}</Link>
      </p>
      <h1>
        Delivery of <code>{details.delivery.eventType}</code>
      </h1>
      <DeliveryDetailsView details={details} body={userRegisteredPayload(event)} bodyTitle="Body sent (seed 002's User Registered payload)" />
    </>
  );
}
