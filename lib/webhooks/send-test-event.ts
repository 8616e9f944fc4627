import crypto from "node:crypto";
import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { outcomeFromHttp } from "@/lib/delivery/outcome";
import { loadDeliverySettings } from "@/lib/delivery/settings";
import { Allowlist } from "@/lib/delivery/ssrf";
import type { SendTestEventInput } from "@/lib/schemas/webhook";
import { getExampleEvent } from "./example-event";
import { findEndpoint } from "./guard";
import { endpointTarget, postToEndpoint } from "./request";

export interface TestEventResult {
  succeeded: boolean;
  statusCode: number | null;
  /** The first 4 KB of the receiver's answer. */
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  /** The `webhook-id` sent: the payload's `event.id` when it has one. */
  messageId: string;
  payload: Record<string, unknown>;
}

function messageIdOf(payload: Record<string, unknown>): string {
  const id = (payload.event as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && /^[\w.:-]{1,100}$/.test(id) ? id : crypto.randomUUID();
}

/**
 * Sends an example event (or the admin's edit of it) to the endpoint now, signed like a real delivery,
 * even when the endpoint is disabled, and returns the receiver's answer. It is not retried nor logged
 * as a delivery; the audit log records it.
 */
export async function sendTestEvent(actor: Actor, endpointId: string, input: SendTestEventInput): Promise<TestEventResult> {
  return auditFailures(actor, { action: "webhook.test", details: { endpointId } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const endpoint = await findEndpoint(prisma, endpointId);
    const payload = input.payload ?? ((await getExampleEvent(actor, input.eventType)) as unknown as Record<string, unknown>);
    const messageId = messageIdOf(payload);
    const settings = await loadDeliverySettings(prisma);
    const result = await postToEndpoint(
      endpointTarget(endpoint),
      { id: messageId, body: JSON.stringify(payload) },
      new Allowlist(settings.outboundAllowlist),
    );
    const outcome = outcomeFromHttp(result);
    await recordAudit(prisma, actor, {
      action: "webhook.test",
      details: { endpointId, url: endpoint.url, statusCode: outcome.statusCode, succeeded: outcome.succeeded },
    });
    return {
      succeeded: outcome.succeeded,
      statusCode: outcome.statusCode,
      responseBody: outcome.responseBody,
      durationMs: outcome.durationMs,
      error: outcome.error,
      messageId,
      payload,
    };
  });
}
