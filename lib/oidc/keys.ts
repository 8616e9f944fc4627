import crypto from "node:crypto";
import { getAuthSecret } from "@/lib/auth/secret";
import { getPrisma } from "@/lib/db/client";

/*
 * The provider's signing keys (RS256 and ES256), generated on first start and kept in
 * `oidc_signing_keys` with the private JWK encrypted (AES-256-GCM, key derived with HKDF from
 * NEXTAUTH_SECRET or the generated auth secret). Rotation, as oidc-provider recommends for several
 * processes (docs/README.md#jwks): a new key is published first (`addPendingKeys`), every instance is
 * restarted, then it signs (`activatePendingKeys`: the old key is retired but stays published until
 * the longest token it can have signed has expired), and every instance is restarted again.
 * `npm run oidc:keys` runs these steps.
 */

export const SIGNING_ALGS = ["RS256", "ES256"] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** How long a retired key stays published: longer than any ID token or access token lifetime allowed. */
export const RETIRED_KEY_PUBLISHED_S = 31 * 24 * 3600;

type PrivateJwk = crypto.JsonWebKey & { kid: string; alg: SigningAlg; use: "sig" };

function keyEncryptionKey(): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", getAuthSecret(), "delegate", "oidc-signing-keys", 32));
}

function encrypt(plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyEncryptionKey(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

function decrypt(stored: string): string {
  const [version, iv, tag, body] = stored.split(":");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("Unknown signing key format.");
  const decipher = crypto.createDecipheriv("aes-256-gcm", keyEncryptionKey(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

function generateJwk(alg: SigningAlg): PrivateJwk {
  const { privateKey } =
    alg === "RS256"
      ? crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
      : crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { ...privateKey.export({ format: "jwk" }), kid: crypto.randomBytes(12).toString("base64url"), alg, use: "sig" };
}

async function insertKeys(signsFrom: Date | null, algs: readonly SigningAlg[]): Promise<string[]> {
  const prisma = await getPrisma();
  const keys = algs.map(generateJwk);
  await prisma.oidcSigningKey.createMany({
    data: keys.map((jwk) => ({ kid: jwk.kid, alg: jwk.alg, privateJwk: encrypt(JSON.stringify(jwk)), signsFrom })),
  });
  return keys.map((key) => key.kid);
}

/**
 * The JWKS the provider is configured with: for each algorithm the signing key first (oidc-provider
 * signs with the first key of an algorithm), then keys published ahead of signing, then retired keys
 * still published. Generates the first keys when there are none (concurrent first starts: an advisory
 * lock on a server makes one of them generate).
 */
export async function loadSigningJwks(): Promise<{ keys: PrivateJwk[] }> {
  const prisma = await getPrisma();
  const missing = async () => {
    const active = await prisma.oidcSigningKey.findMany({ where: { signsFrom: { not: null }, retiredAt: null }, select: { alg: true } });
    return SIGNING_ALGS.filter((alg) => !active.some((key) => key.alg === alg));
  };
  if ((await missing()).length > 0) {
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`LOCK TABLE oidc_signing_keys IN EXCLUSIVE MODE`;
      const active = await tx.oidcSigningKey.findMany({ where: { signsFrom: { not: null }, retiredAt: null }, select: { alg: true } });
      const algs = SIGNING_ALGS.filter((alg) => !active.some((key) => key.alg === alg));
      const keys = algs.map(generateJwk);
      if (keys.length) {
        await tx.oidcSigningKey.createMany({
          data: keys.map((jwk) => ({ kid: jwk.kid, alg: jwk.alg, privateJwk: encrypt(JSON.stringify(jwk)), signsFrom: new Date() })),
        });
      }
    });
  }
  const rows = await prisma.oidcSigningKey.findMany({
    where: { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    orderBy: { createdAt: "desc" },
  });
  const rank = (row: (typeof rows)[number]) => (row.signsFrom && !row.retiredAt ? 0 : !row.signsFrom ? 1 : 2);
  const ordered = [...rows].sort((a, b) => rank(a) - rank(b));
  return { keys: ordered.map((row) => JSON.parse(decrypt(row.privateJwk)) as PrivateJwk) };
}

/** Rotation step 1: new keys published in the JWKS, not signing yet. Restart every instance afterwards. */
export async function addPendingKeys(): Promise<string[]> {
  return insertKeys(null, SIGNING_ALGS);
}

/**
 * Rotation step 2: the published pending keys sign from now on; the keys they replace are retired and
 * stay published for RETIRED_KEY_PUBLISHED_S. Restart every instance afterwards.
 */
export async function activatePendingKeys(): Promise<{ activated: string[]; retired: string[] }> {
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const pending = await tx.oidcSigningKey.findMany({ where: { signsFrom: null } });
    if (pending.length === 0) throw new Error("No published key waits to sign: run the add step first.");
    const now = new Date();
    const replaced = await tx.oidcSigningKey.findMany({
      where: { signsFrom: { not: null }, retiredAt: null, alg: { in: pending.map((key) => key.alg) } },
    });
    await tx.oidcSigningKey.updateMany({
      where: { kid: { in: replaced.map((key) => key.kid) } },
      data: { retiredAt: now, expiresAt: new Date(now.getTime() + RETIRED_KEY_PUBLISHED_S * 1000) },
    });
    await tx.oidcSigningKey.updateMany({ where: { kid: { in: pending.map((key) => key.kid) } }, data: { signsFrom: now } });
    return { activated: pending.map((key) => key.kid), retired: replaced.map((key) => key.kid) };
  });
}

export async function listSigningKeys() {
  const prisma = await getPrisma();
  return prisma.oidcSigningKey.findMany({
    orderBy: { createdAt: "asc" },
    select: { kid: true, alg: true, createdAt: true, signsFrom: true, retiredAt: true, expiresAt: true },
  });
}
