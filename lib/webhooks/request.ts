import { postOutbound, type OutboundResult } from "@/lib/delivery/http";
import type { Allowlist } from "@/lib/delivery/ssrf";
import type { WebhookTarget } from "@/lib/delivery/registry";
import type { WebhookEndpoint } from "@/lib/generated/prisma/client";
import { activeSecrets, signatureHeaders } from "./signature";

export const USER_AGENT = "Delegate-Webhooks/1.0";

/**
 * One signed POST of an event to an endpoint: its custom headers, its basic auth, the Standard
 * Webhooks headers (`webhook-id` is the event id, the same on every retry) and its timeouts.
 */
export function postToEndpoint(
  endpoint: Omit<WebhookTarget, "id" | "enabled">,
  message: { id: string; body: string },
  allowlist: Allowlist,
): Promise<OutboundResult> {
  const headers: Record<string, string> = {
    ...endpoint.headers,
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    ...signatureHeaders(activeSecrets(endpoint), message.id, message.body),
  };
  if (endpoint.basicAuthUsername) {
    const credentials = `${endpoint.basicAuthUsername}:${endpoint.basicAuthPassword ?? ""}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  return postOutbound({
    url: endpoint.url,
    headers,
    body: message.body,
    connectTimeoutMs: endpoint.connectTimeoutMs,
    readTimeoutMs: endpoint.readTimeoutMs,
    allowlist,
  });
}

export function endpointTarget(row: WebhookEndpoint): WebhookTarget {
  return {
    id: row.id,
    url: row.url,
    enabled: row.enabled,
    headers: (row.headers ?? {}) as Record<string, string>,
    basicAuthUsername: row.basicAuthUsername,
    basicAuthPassword: row.basicAuthPassword,
    connectTimeoutMs: row.connectTimeoutMs,
    readTimeoutMs: row.readTimeoutMs,
    secret: row.secret,
    previousSecret: row.previousSecret,
    previousSecretExpiresAt: row.previousSecretExpiresAt,
  };
}
