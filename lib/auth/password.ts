import { hash, verify } from "@node-rs/argon2";
import { verifyImportedHash } from "./imported-hash";

// argon2id (the library default) with OWASP's recommended cost: 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** How every hash Delegate writes begins: any other (imported, or older parameters) is replaced at the next sign-in. */
const CURRENT_HASH_PREFIX = `$argon2id$v=19$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** True for a hash not made with Delegate's current argon2id parameters (an imported bcrypt, pbkdf2, … hash). */
export const needsRehash = (passwordHash: string): boolean => !passwordHash.startsWith(CURRENT_HASH_PREFIX);

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a real hash even when there is none, so that timing does not reveal unknown emails.
 * Understands Delegate's argon2id, any argon2 PHC string, and the imported hashes of lib/auth/imported-hash.ts.
 */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  const imported = await verifyImportedHash(passwordHash, password);
  if (imported !== null) return imported;
  return verify(passwordHash, password).catch(() => false);
}

export { passwordPolicyViolation, type PasswordPolicy } from "./password-policy";
