import crypto from "node:crypto";
import { promisify } from "node:util";
import { verify as verifyBcrypt } from "@node-rs/bcrypt";
import { fieldError } from "@/lib/errors";
import type { CustomPasswordHash } from "@/lib/schemas/password-hash";

/*
 * Password hashes imported from another system (Auth0's `custom_password_hash`) are stored in the user's
 * `password_hash` as self-describing strings, so that verifyPassword can tell them from Delegate's own argon2id:
 * bcrypt's `$2b$…` and the PHC strings of argon2 and pbkdf2 as they came, and a salted digest as
 * `$sha256$p=<password encoding>,s=<prefix|suffix>$<salt B64>$<digest B64>` (B64: base64 without padding).
 * The first successful sign-in replaces any of them with argon2id (lib/auth/rehash.ts).
 */

const FIELD = "custom_password_hash";
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const PBKDF2 = /^\$pbkdf2-(sha1|sha256|sha512)\$i=(\d{1,7}),l=(\d{1,3})\$([A-Za-z0-9+/.]*)\$([A-Za-z0-9+/.]+)$/;
const SALTED_DIGEST = /^\$(sha256|sha512)\$p=([a-z0-9]+),s=(prefix|suffix)\$([A-Za-z0-9+/]*)\$([A-Za-z0-9+/]+)$/;
const DIGEST_BYTES = { sha256: 32, sha512: 64 } as const;

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");
/** PHC's B64 (and passlib's variant with `.` for `+`) into bytes. */
const fromB64 = (text: string) => Buffer.from(text.replace(/\./g, "+"), "base64");

function bytesOf(value: string, encoding: "base64" | "hex" | "utf8", what: string): Buffer {
  if (encoding === "hex" && !/^(?:[0-9a-fA-F]{2})*$/.test(value)) throw fieldError(FIELD, `${what} is not hexadecimal.`);
  if (encoding === "base64" && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw fieldError(FIELD, `${what} is not base64.`);
  return Buffer.from(value, encoding);
}

/** The string stored for an imported hash, or a `custom_password_hash` field error saying what is wrong with it. */
export function storedImportedHash(custom: CustomPasswordHash): string {
  const passwordEncoding = custom.password?.encoding ?? "utf8";
  const { value } = custom.hash;
  switch (custom.algorithm) {
    case "bcrypt":
    case "argon2":
    case "pbkdf2": {
      const pattern = { bcrypt: BCRYPT, argon2: ARGON2, pbkdf2: PBKDF2 }[custom.algorithm];
      if (!pattern.test(value)) {
        const shape = {
          bcrypt: "$2a$ or $2b$, the cost and 53 characters",
          argon2: "a PHC string such as $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>",
          pbkdf2: "a PHC string $pbkdf2-<sha1|sha256|sha512>$i=<iterations>,l=<key length>$<salt B64>$<hash B64>",
        }[custom.algorithm];
        throw fieldError(FIELD, `This ${custom.algorithm} hash is not in the expected form: ${shape}.`);
      }
      if (passwordEncoding !== "utf8") throw fieldError(FIELD, `A ${custom.algorithm} hash is checked against the UTF-8 password: password.encoding must be utf8.`);
      return value;
    }
    case "sha256":
    case "sha512": {
      const digest = bytesOf(value, custom.hash.encoding as "base64" | "hex", "hash.value");
      if (digest.length !== DIGEST_BYTES[custom.algorithm]) {
        throw fieldError(FIELD, `A ${custom.algorithm} digest has ${DIGEST_BYTES[custom.algorithm]} bytes; hash.value has ${digest.length}.`);
      }
      const salt = custom.salt ? bytesOf(custom.salt.value, custom.salt.encoding, "salt.value") : Buffer.alloc(0);
      return `$${custom.algorithm}$p=${passwordEncoding},s=${custom.salt?.position ?? "prefix"}$${b64(salt)}$${b64(digest)}`;
    }
  }
}

const pbkdf2 = promisify(crypto.pbkdf2);

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && crypto.timingSafeEqual(a, b);

/** Checks a password against an imported bcrypt, pbkdf2 or salted digest; null for anything else (argon2 of any variant). */
export async function verifyImportedHash(stored: string, password: string): Promise<boolean | null> {
  if (BCRYPT.test(stored)) return verifyBcrypt(password, stored).catch(() => false);
  const pbkdf2Match = PBKDF2.exec(stored);
  if (pbkdf2Match) {
    const [, digest, iterations, length, salt, hash] = pbkdf2Match;
    const expected = fromB64(hash);
    if (expected.length !== Number(length)) return false;
    return sameBytes(await pbkdf2(Buffer.from(password, "utf8"), fromB64(salt), Number(iterations), Number(length), digest), expected);
  }
  const digestMatch = SALTED_DIGEST.exec(stored);
  if (digestMatch) {
    const [, algorithm, encoding, position, salt, hash] = digestMatch;
    const bytes = Buffer.from(password, encoding as BufferEncoding);
    const input = position === "prefix" ? Buffer.concat([fromB64(salt), bytes]) : Buffer.concat([bytes, fromB64(salt)]);
    return sameBytes(crypto.createHash(algorithm).update(input).digest(), fromB64(hash));
  }
  return null;
}
