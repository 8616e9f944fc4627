/**
 * A database connection's password policy: the check the server applies, the hint the forms show before
 * any refusal, and the generator behind their "Generate" button. No server-only imports: forms use it too.
 */
export interface PasswordPolicy {
  passwordMinLength: number;
  passwordMinCharClasses: number;
}

const CHAR_CLASSES: { pattern: RegExp; name: string; characters: string }[] = [
  { pattern: /[a-z]/, name: "lower-case letters", characters: "abcdefghijkmnopqrstuvwxyz" },
  { pattern: /[A-Z]/, name: "upper-case letters", characters: "ABCDEFGHJKLMNPQRSTUVWXYZ" },
  { pattern: /[0-9]/, name: "digits", characters: "23456789" },
  { pattern: /[^a-zA-Z0-9]/, name: "special characters", characters: "!#%+-=?@_~" },
];
const CLASS_NAMES = CHAR_CLASSES.map((c) => c.name).join(", ");

/** The connection's password policy; returns the message to show, or null when the password passes. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy): string | null {
  if (password.length < policy.passwordMinLength) {
    return `The password must be at least ${policy.passwordMinLength} characters long.`;
  }
  const present = CHAR_CLASSES.filter(({ pattern }) => pattern.test(password)).length;
  if (present < policy.passwordMinCharClasses) {
    return `The password must contain at least ${policy.passwordMinCharClasses} of: ${CLASS_NAMES}.`;
  }
  return null;
}

/** The policy in one sentence, for the hint under a password field. */
export function describePasswordPolicy(policy: PasswordPolicy): string {
  const length = `At least ${policy.passwordMinLength} ${policy.passwordMinLength === 1 ? "character" : "characters"}`;
  if (policy.passwordMinCharClasses <= 1) return `${length}.`;
  return `${length}, with at least ${policy.passwordMinCharClasses} of: ${CLASS_NAMES}.`;
}

/** Length of a generated password when the policy asks for less. */
export const GENERATED_PASSWORD_LENGTH = 20;

/**
 * A random password that passes the policy: one character of every class (so any class count is met),
 * then random characters of all classes, shuffled. `random(n)` is a uniform integer in [0, n).
 */
export function generatePassword(policy: PasswordPolicy, random: (n: number) => number = cryptoRandom): string {
  const all = CHAR_CLASSES.map((c) => c.characters).join("");
  const length = Math.max(policy.passwordMinLength, GENERATED_PASSWORD_LENGTH, CHAR_CLASSES.length);
  const characters = CHAR_CLASSES.map(({ characters }) => characters[random(characters.length)]);
  while (characters.length < length) characters.push(all[random(all.length)]);
  for (let i = characters.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [characters[i], characters[j]] = [characters[j], characters[i]];
  }
  return characters.join("");
}

/** A uniform integer in [0, n) from the Web Crypto API (browsers and Node), without modulo bias. */
function cryptoRandom(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buffer = new Uint32Array(1);
  do crypto.getRandomValues(buffer);
  while (buffer[0] >= limit);
  return buffer[0] % n;
}
