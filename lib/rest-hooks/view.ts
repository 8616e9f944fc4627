import type { RestHookSubscription } from "@/lib/generated/prisma/client";

/** A subscription as the console shows it. The subscriber's authorization token is never shown back. */
export interface RestHookSubscriptionView {
  id: string;
  url: string;
  hasAuthorizationToken: boolean;
  createdAt: Date;
  deletedAt: Date | null;
  deletedReason: string | null;
}

export function toSubscriptionView(row: RestHookSubscription): RestHookSubscriptionView {
  return {
    id: String(row.id),
    url: row.url,
    hasAuthorizationToken: Boolean(row.authorizationToken),
    createdAt: row.createdAt,
    deletedAt: row.deletedAt,
    deletedReason: row.deletedReason,
  };
}
