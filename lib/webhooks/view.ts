import type { WebhookEndpoint } from "@/lib/generated/prisma/client";
import type { EventType } from "@/lib/events/types";

/**
 * An endpoint as Administrators see it. The signing secret is shown (receivers need it, as in Svix);
 * the basic auth password is write-only: only whether one is set.
 */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: EventType[];
  headers: Record<string, string>;
  basicAuthUsername: string | null;
  hasBasicAuthPassword: boolean;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  enabled: boolean;
  /** Why it is disabled: by whom, or automatically after failing for too long. */
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Since when every attempt has failed (null while it succeeds). */
  failingSince: Date | null;
  secret: string;
  /** The replaced secret still signs beside the new one until then. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toEndpointView(row: WebhookEndpoint, now = new Date()): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes as EventType[],
    headers: (row.headers ?? {}) as Record<string, string>,
    basicAuthUsername: row.basicAuthUsername,
    hasBasicAuthPassword: Boolean(row.basicAuthPassword),
    connectTimeoutMs: row.connectTimeoutMs,
    readTimeoutMs: row.readTimeoutMs,
    enabled: row.enabled,
    disabledReason: row.enabled ? null : row.disabledReason,
    disabledAt: row.enabled ? null : row.disabledAt,
    failingSince: row.failingSince,
    secret: row.secret,
    previousSecretExpiresAt:
      row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export const ENDPOINT_NOT_FOUND = "There is no webhook endpoint with this id.";
