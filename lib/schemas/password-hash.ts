import { z } from "zod";

/** The algorithms of Auth0's `custom_password_hash` that Delegate imports. */
export const IMPORTED_HASH_ALGORITHMS = ["bcrypt", "argon2", "pbkdf2", "sha256", "sha512"] as const;

const BYTE_ENCODINGS = ["base64", "hex", "utf8"] as const;
const PASSWORD_ENCODINGS = ["utf8", "utf16le", "ucs2", "latin1", "binary", "ascii"] as const;

/**
 * Auth0's `custom_password_hash` (bulk import): `algorithm`, `hash` {value, encoding}, optional `salt`
 * {value, encoding, position} and `password` {encoding}. bcrypt, argon2 and pbkdf2 carry everything in
 * `hash.value` (bcrypt's `$2b$…`, PHC strings for the other two); sha256/sha512 are one digest of the
 * password with the salt before (`prefix`) or after (`suffix`) it.
 */
export const customPasswordHashSchema = z
  .object({
    algorithm: z.enum(IMPORTED_HASH_ALGORITHMS, {
      error: `Delegate imports custom_password_hash with the algorithms ${IMPORTED_HASH_ALGORITHMS.join(", ")}; reset the passwords of users hashed otherwise.`,
    }),
    hash: z.object({
      value: z.string().min(1, "custom_password_hash.hash.value is empty.").max(1_000),
      encoding: z.enum(BYTE_ENCODINGS).default("utf8"),
    }),
    salt: z
      .object({
        value: z.string().max(1_000),
        encoding: z.enum(BYTE_ENCODINGS).default("utf8"),
        position: z.enum(["prefix", "suffix"]).default("prefix"),
      })
      .optional(),
    password: z.object({ encoding: z.enum(PASSWORD_ENCODINGS).default("utf8") }).optional(),
  })
  .superRefine((value, ctx) => {
    const phc = value.algorithm === "bcrypt" || value.algorithm === "argon2" || value.algorithm === "pbkdf2";
    if (phc && value.hash.encoding !== "utf8") {
      ctx.addIssue({ code: "custom", path: ["hash", "encoding"], message: `A ${value.algorithm} hash is a string: hash.encoding must be utf8.` });
    }
    if (phc && value.salt) {
      ctx.addIssue({ code: "custom", path: ["salt"], message: `A ${value.algorithm} hash carries its salt in hash.value: leave salt out.` });
    }
    if (!phc && value.hash.encoding === "utf8") {
      ctx.addIssue({ code: "custom", path: ["hash", "encoding"], message: `A ${value.algorithm} digest is bytes: hash.encoding must be base64 or hex.` });
    }
  });
export type CustomPasswordHash = z.output<typeof customPasswordHashSchema>;
