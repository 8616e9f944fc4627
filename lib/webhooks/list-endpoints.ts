import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { findEndpoint } from "./guard";
import { toEndpointView, type WebhookEndpointView } from "./view";

export async function listWebhookEndpoints(actor: Actor): Promise<WebhookEndpointView[]> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const rows = await prisma.webhookEndpoint.findMany({ orderBy: { createdAt: "asc" }, take: 500 });
  return rows.map((row) => toEndpointView(row));
}

export async function getWebhookEndpoint(actor: Actor, id: string): Promise<WebhookEndpointView> {
  requirePermission(actor, "config:manage");
  return toEndpointView(await findEndpoint(await getPrisma(), id));
}
