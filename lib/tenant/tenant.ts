import crypto from "node:crypto";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";

export interface TenantSettings {
  id: string;
  name: string;
  applicationId: string;
}

let cached: TenantSettings | undefined;

/**
 * The deployment's single tenant. Its id, name and application id come from the environment
 * (DELEGATE_TENANT_ID, DELEGATE_TENANT_NAME, DELEGATE_APPLICATION_ID) or are generated once and kept.
 */
export async function getTenant(): Promise<TenantSettings> {
  if (cached) return cached;
  const config = getConfig();
  const prisma = await getPrisma();
  const existing = await prisma.tenant.findFirst({ orderBy: { createdAt: "asc" } });
  const wanted = {
    id: config.DELEGATE_TENANT_ID ?? existing?.id ?? crypto.randomUUID(),
    name: config.DELEGATE_TENANT_NAME,
    applicationId: config.DELEGATE_APPLICATION_ID ?? existing?.applicationId ?? crypto.randomUUID(),
  };
  if (!existing) {
    await prisma.tenant.create({ data: wanted });
  } else if (existing.id !== wanted.id || existing.name !== wanted.name || existing.applicationId !== wanted.applicationId) {
    await prisma.$transaction([prisma.tenant.deleteMany({}), prisma.tenant.create({ data: wanted })]);
  }
  cached = wanted;
  return wanted;
}

export function forgetTenantForTests(): void {
  cached = undefined;
}
