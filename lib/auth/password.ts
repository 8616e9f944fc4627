import { hash, verify } from "@node-rs/argon2";

// argon2id (the library default) with OWASP's recommended cost: 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** Verifies against a real hash even when there is none, so that timing does not reveal unknown emails. */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

export interface PasswordPolicy {
  passwordMinLength: number;
  passwordMinCharClasses: number;
}

const CHAR_CLASSES: [RegExp, string][] = [
  [/[a-z]/, "lower-case letters"],
  [/[A-Z]/, "upper-case letters"],
  [/[0-9]/, "digits"],
  [/[^a-zA-Z0-9]/, "special characters"],
];

/** The connection's password policy; returns the message to show, or null when the password passes. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy): string | null {
  if (password.length < policy.passwordMinLength) {
    return `The password must be at least ${policy.passwordMinLength} characters long.`;
  }
  const present = CHAR_CLASSES.filter(([pattern]) => pattern.test(password)).length;
  if (present < policy.passwordMinCharClasses) {
    return `The password must contain at least ${policy.passwordMinCharClasses} of: ${CHAR_CLASSES.map(([, n]) => n).join(", ")}.`;
  }
  return null;
}
