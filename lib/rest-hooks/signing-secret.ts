import { z } from "zod";
import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { activeSecrets, generateWebhookSecret, PREVIOUS_SECRET_GRACE_MS } from "@/lib/webhooks/signature";

/**
 * REST hook subscribers are created through the API, whose answer is only `{ "id" }`, so they cannot
 * each receive a secret: one signing secret (Setting "rest_hooks.signing") signs every REST hook
 * delivery. Administrators read it in the console and give it to the subscribers that verify signatures.
 */
export const REST_HOOK_SECRET_KEY = "rest_hooks.signing";

const storedSchema = z.object({
  secret: z.string(),
  previousSecret: z.string().nullable().default(null),
  previousSecretExpiresAt: z.coerce.date().nullable().default(null),
});
type StoredSecret = z.infer<typeof storedSchema>;

const CACHE_MS = 5000;
let cache: { value: StoredSecret; at: number; db: PrismaClient } | null = null;

async function readOrCreate(db: PrismaClient | Prisma.TransactionClient): Promise<StoredSecret> {
  const existing = await db.setting.findUnique({ where: { key: REST_HOOK_SECRET_KEY } });
  const parsed = storedSchema.safeParse(existing?.value);
  if (parsed.success) return parsed.data;
  // Racing workers may both get here: the first insert wins and both read it back.
  await db.setting.createMany({
    data: [{ key: REST_HOOK_SECRET_KEY, value: { secret: generateWebhookSecret(), previousSecret: null, previousSecretExpiresAt: null } }],
    skipDuplicates: true,
  });
  const created = await db.setting.findUniqueOrThrow({ where: { key: REST_HOOK_SECRET_KEY } });
  return storedSchema.parse(created.value);
}

/** The secrets that sign REST hook deliveries now (the previous one too during its 24-hour grace). */
export async function restHookSigningSecrets(db: PrismaClient): Promise<string[]> {
  if (!cache || cache.db !== db || Date.now() - cache.at > CACHE_MS) {
    cache = { value: await readOrCreate(db), at: Date.now(), db };
  }
  return activeSecrets(cache.value);
}

export interface RestHookSecretView {
  secret: string;
  previousSecretExpiresAt: Date | null;
}

export async function getRestHookSigningSecret(actor: Actor): Promise<RestHookSecretView> {
  requirePermission(actor, "config:manage");
  const value = await readOrCreate(await getPrisma());
  const stillSigning = value.previousSecretExpiresAt && value.previousSecretExpiresAt > new Date();
  return { secret: value.secret, previousSecretExpiresAt: stillSigning ? value.previousSecretExpiresAt : null };
}

/** A new secret signs at once; the old one keeps signing beside it for 24 hours. */
export async function rotateRestHookSigningSecret(actor: Actor): Promise<RestHookSecretView> {
  return auditFailures(actor, { action: "rest_hook.rotate_secret" }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const next = await prisma.$transaction(async (tx) => {
      const current = await readOrCreate(tx);
      const value = {
        secret: generateWebhookSecret(),
        previousSecret: current.secret,
        previousSecretExpiresAt: new Date(Date.now() + PREVIOUS_SECRET_GRACE_MS),
      };
      await tx.setting.update({
        where: { key: REST_HOOK_SECRET_KEY },
        data: { value: { ...value, previousSecretExpiresAt: value.previousSecretExpiresAt.toISOString() } },
      });
      await recordAudit(tx, actor, { action: "rest_hook.rotate_secret" });
      return value;
    });
    cache = null;
    return { secret: next.secret, previousSecretExpiresAt: next.previousSecretExpiresAt };
  });
}
