import { z } from "zod";
import { requirePermission, type Actor } from "@/lib/auth/actor";
import { objectChanges } from "@/lib/audit/changes";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export const POST_REGISTRATION_SETTING_KEY = "post_registration";

const hostEntry = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[a-z0-9\-_.]+$|^\[?[0-9a-f:.]+\]?$/, "An allowed host is a host name (optionally *.domain) or an IP address.");

export const postRegistrationSettingsSchema = z.object({
  allowedHosts: z.array(hostEntry).max(100, "At most 100 allowed hosts.").default([]),
});
export type PostRegistrationSettings = z.infer<typeof postRegistrationSettingsSchema>;

export async function readPostRegistrationSettings(db: PrismaClient | Prisma.TransactionClient): Promise<PostRegistrationSettings> {
  const row = await db.setting.findUnique({ where: { key: POST_REGISTRATION_SETTING_KEY } });
  const parsed = postRegistrationSettingsSchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : { allowedHosts: [] };
}

/** Whether the post-registration hook's fetch may call this host: exact names, or `*.domain` for subdomains. */
export function isHostAllowed(settings: PostRegistrationSettings, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  return settings.allowedHosts.some((entry) => {
    const allowed = entry.replace(/^\[|\]$/g, "");
    return allowed.startsWith("*.") ? host.endsWith(allowed.slice(1)) : host === allowed;
  });
}

export async function getPostRegistrationSettings(actor: Actor): Promise<PostRegistrationSettings> {
  requirePermission(actor, "config:manage");
  return readPostRegistrationSettings(await getPrisma());
}

export async function updatePostRegistrationSettings(actor: Actor, input: PostRegistrationSettings): Promise<PostRegistrationSettings> {
  return auditFailures(actor, { action: "hook.post_registration.settings", details: { allowedHosts: input.allowedHosts } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const value = { allowedHosts: [...new Set(input.allowedHosts)] };
    await prisma.$transaction(async (tx) => {
      const previous = await readPostRegistrationSettings(tx);
      await tx.setting.upsert({ where: { key: POST_REGISTRATION_SETTING_KEY }, create: { key: POST_REGISTRATION_SETTING_KEY, value }, update: { value } });
      const changes = objectChanges(previous, value, ["allowedHosts"]);
      await recordAudit(tx, actor, { action: "hook.post_registration.settings", details: { ...value, changes } });
    });
    return value;
  });
}
