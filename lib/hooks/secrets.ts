import crypto from "node:crypto";
import { requirePermission, type Actor } from "@/lib/auth/actor";
import { getAuthSecret } from "@/lib/auth/secret";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import type { SetHookSecretInput } from "@/lib/schemas/hook";

/*
 * Secrets of the post-registration hook (`context.webtask.secrets`): encrypted at rest with
 * AES-256-GCM under a key derived from DELEGATE_SECRETS_KEY (or, without it, the auth secret),
 * write-only once saved: the console lists names, never values.
 */

function encryptionKey(): Buffer {
  const material = process.env.DELEGATE_SECRETS_KEY || getAuthSecret();
  return Buffer.from(crypto.hkdfSync("sha256", material, "delegate", "hook-secrets", 32));
}

export function encryptSecret(plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", encryptionKey(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, body] = stored.split(":");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("Unknown secret format.");
  const decipher = crypto.createDecipheriv("aes-256-gcm", encryptionKey(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

export async function setHookSecret(actor: Actor, input: SetHookSecretInput): Promise<void> {
  await auditFailures(actor, { action: "hook.secret.set", details: { name: input.name } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const ciphertext = encryptSecret(input.value);
    await prisma.$transaction(async (tx) => {
      await tx.hookSecret.upsert({ where: { name: input.name }, create: { name: input.name, ciphertext }, update: { ciphertext } });
      await recordAudit(tx, actor, { action: "hook.secret.set", details: { name: input.name } });
    });
  });
}

export async function deleteHookSecret(actor: Actor, name: string): Promise<void> {
  await auditFailures(actor, { action: "hook.secret.delete", details: { name } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.hookSecret.deleteMany({ where: { name } });
      if (count === 0) throw notFound(`There is no secret named ${name}.`);
      await recordAudit(tx, actor, { action: "hook.secret.delete", details: { name } });
    });
  });
}

export async function listHookSecretNames(actor: Actor): Promise<{ name: string; updatedAt: Date }[]> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  return prisma.hookSecret.findMany({ select: { name: true, updatedAt: true }, orderBy: { name: "asc" } });
}

/** The decrypted secrets, for a hook execution only. A secret that no longer decrypts is left out. */
export async function loadHookSecrets(): Promise<Record<string, string>> {
  const prisma = await getPrisma();
  const rows = await prisma.hookSecret.findMany();
  const secrets: Record<string, string> = {};
  for (const row of rows) {
    try {
      secrets[row.name] = decryptSecret(row.ciphertext);
    } catch {
      console.error(`Hook secret ${row.name} cannot be decrypted (was DELEGATE_SECRETS_KEY or the auth secret changed?).`);
    }
  }
  return secrets;
}
