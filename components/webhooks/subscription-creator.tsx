import type { SubscriptionCreator } from "@/lib/rest-hooks/list-subscriptions-with-creators";

export function SubscriptionCreatorText({ creator }: { creator: SubscriptionCreator | null }) {
  if (!creator) return <span className="muted">A deleted token</span>;
  return (
    <>
      {creator.name} <code>{creator.prefix}…</code>
      {creator.revoked && <span className="badge danger">Revoked</span>}
      <div className="detail muted">of {creator.adminEmail}</div>
    </>
  );
}
