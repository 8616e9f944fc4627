import { Time } from "@/components/ui/time";
import type { RestHookSubscriptionView } from "@/lib/rest-hooks/view";

/** Active, or removed: when and why (through the API, the console, or a 410 Gone answer). */
export function SubscriptionStatus({ subscription }: { subscription: RestHookSubscriptionView }) {
  if (!subscription.deletedAt) return <span className="badge ok">Active</span>;
  return (
    <>
      <span className="badge danger">Removed</span> <Time value={subscription.deletedAt} />
      {subscription.deletedReason && <div className="detail muted">{subscription.deletedReason}</div>}
    </>
  );
}
