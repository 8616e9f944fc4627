import { loadDeliverySettings } from "@/lib/delivery/settings";
import { Allowlist, literalAddressProblem } from "@/lib/delivery/ssrf";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { fieldError, notFound, type DomainErrorCode } from "@/lib/errors";
import { isUuid } from "@/lib/schemas/common";
import { ENDPOINT_NOT_FOUND } from "./view";

/** Refuses a URL whose host is a private IP literal at once; names are checked after DNS when sending. */
export async function assertPublicUrl(db: PrismaClient, url: string, code: DomainErrorCode = "validation"): Promise<void> {
  const allowlist = new Allowlist((await loadDeliverySettings(db)).outboundAllowlist);
  const problem = literalAddressProblem(new URL(url), allowlist);
  if (problem) throw fieldError("url", problem, code);
}

export async function findEndpoint(db: PrismaClient, id: string) {
  const row = isUuid(id) ? await db.webhookEndpoint.findUnique({ where: { id } }) : null;
  if (!row) throw notFound(ENDPOINT_NOT_FOUND);
  return row;
}
