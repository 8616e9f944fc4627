import { z } from "zod";

export const METADATA_MAX_BYTES = 16 * 1024;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function hasForbiddenKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  if (value && typeof value === "object") {
    return Object.entries(value).some(([key, inner]) => FORBIDDEN_KEYS.has(key) || hasForbiddenKey(inner));
  }
  return false;
}

/** `user_metadata` / `app_metadata`: a JSON object of at most 16 KB, without prototype-polluting keys. */
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, {
    message: `Metadata must be at most ${METADATA_MAX_BYTES / 1024} KB of JSON.`,
  })
  .refine((value) => !hasForbiddenKey(value), {
    message: "Metadata must not use the keys __proto__, constructor or prototype.",
  });

export const emailSchema = z
  .string({ error: "Enter an email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter an email address.")
  .max(254, "The email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }));

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Enter a username.")
  .max(128, "The username must be at most 128 characters.")
  .regex(/^[a-z0-9_.+\-@]+$/, "A username may contain letters, digits and _ . + - @ only.");

export const passwordSchema = z
  .string({ error: "Enter a password." })
  .min(1, "Enter a password.")
  .max(128, "The password must be at most 128 characters.");

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .transform((value) => (value === "" ? null : value))
    .nullish();

export const nameSchema = optionalText(200, "The name");
export const givenNameSchema = optionalText(100, "The given name");
export const familyNameSchema = optionalText(100, "The family name");
export const phoneNumberSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()\-.]{3,30}$/, "Enter a phone number like +1 555 0100.")
  .or(z.literal("").transform(() => null))
  .nullish();

export const membershipsSchema = z
  .array(z.string().trim().min(1).max(100), { error: "Memberships must be a list of names." })
  .max(50, "A user can have at most 50 memberships.")
  .transform((list) => [...new Set(list)]);

export const uuidSchema = z.uuid({ error: "This is not a valid id." });

/** A malformed id is simply a record that does not exist (404), never a database error. */
export const isUuid = (id: string): boolean => uuidSchema.safeParse(id).success;
