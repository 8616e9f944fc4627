import { getPrisma } from "@/lib/db/client";
import { hashPassword, needsRehash } from "./password";

/**
 * After a password was verified against an imported (bcrypt, pbkdf2, …) or outdated hash: stores the password
 * hashed with Delegate's argon2id instead, only if the hash is still the one verified (a password changed
 * meanwhile wins). The password itself is unchanged, so no session ends and nothing is audited.
 */
export async function rehashIfNeeded(userId: string, verifiedHash: string | null, password: string): Promise<void> {
  if (!verifiedHash || !needsRehash(verifiedHash)) return;
  const passwordHash = await hashPassword(password);
  const prisma = await getPrisma();
  await prisma.user.updateMany({ where: { id: userId, passwordHash: verifiedHash }, data: { passwordHash } });
}
