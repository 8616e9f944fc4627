import { z } from "zod";

/**
 * NUL and lone UTF-16 surrogates: PostgreSQL stores neither in text nor in jsonb, so a value with
 * one would fail deep in a statement. Every string schema refuses them first, as a field error.
 */
const UNSTORABLE_CHARACTER = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isStorableText = (value: string): boolean => !UNSTORABLE_CHARACTER.test(value);
/** The text with each NUL and lone surrogate replaced by U+FFFD: for what must be stored anyway (audit rows). */
export const storableText = (value: string): string => value.replace(new RegExp(UNSTORABLE_CHARACTER, "g"), "\uFFFD");
export const UNSTORABLE_TEXT_MESSAGE =
  "Remove the NUL characters and broken Unicode characters (lone surrogates) from this text: they cannot be stored.";

/** `z.string()` that refuses NUL and lone surrogates before any other check. Use it for every string input. */
export const textSchema = (params?: Parameters<typeof z.string>[0]) =>
  z.string(params).refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE });

export const METADATA_MAX_BYTES = 16 * 1024;
export const METADATA_MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * What is wrong with a metadata value, or null: nesting deeper than METADATA_MAX_DEPTH,
 * prototype-polluting keys, unstorable strings. Walks the value with its own stack, so that any
 * depth is refused without recursion, and runs on the raw input, before zod's record parser
 * silently drops an own `__proto__` key.
 */
export function metadataProblem(value: unknown): string | null {
  const pending: { value: unknown; depth: number; path: string }[] = [{ value, depth: 1, path: "" }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item.value === "string") {
      if (!isStorableText(item.value)) return `${UNSTORABLE_TEXT_MESSAGE} (at ${item.path || "the top level"})`;
      continue;
    }
    if (!item.value || typeof item.value !== "object") continue;
    if (item.depth > METADATA_MAX_DEPTH) return `Metadata can nest objects and arrays at most ${METADATA_MAX_DEPTH} levels deep.`;
    for (const [key, inner] of Object.entries(item.value)) {
      const path = item.path ? `${item.path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return `Metadata must not use the keys __proto__, constructor or prototype (found at ${path}).`;
      if (!isStorableText(key)) return `${UNSTORABLE_TEXT_MESSAGE} (in a key at ${item.path || "the top level"})`;
      pending.push({ value: inner, depth: item.depth + 1, path });
    }
  }
  return null;
}

/** `user_metadata` / `app_metadata`: a JSON object of at most 16 KB, 32 levels, without prototype-polluting keys. */
export const metadataSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = metadataProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .pipe(
    z
      .record(z.string(), z.unknown(), { error: "Metadata must be a JSON object, like {\"title\": \"Analyst\"}." })
      .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, {
        message: `Metadata must be at most ${METADATA_MAX_BYTES / 1024} KB of JSON.`,
      }),
  )
  // The raw-input check above hides the record from JSON Schema: say what the API takes.
  .meta({
    type: "object",
    additionalProperties: {},
    description: `A JSON object of at most ${METADATA_MAX_BYTES / 1024} KB and ${METADATA_MAX_DEPTH} levels, without the keys __proto__, constructor or prototype.`,
  });

export const emailSchema = textSchema({ error: "Enter an email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter an email address.")
  .max(254, "The email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }));

export const usernameSchema = textSchema()
  .trim()
  .toLowerCase()
  .min(1, "Enter a username.")
  .max(128, "The username must be at most 128 characters.")
  .regex(/^[a-z0-9_.+\-@]+$/, "A username may contain letters, digits and _ . + - @ only.");

export const passwordSchema = textSchema({ error: "Enter a password." })
  .min(1, "Enter a password.")
  .max(128, "The password must be at most 128 characters.");

const optionalText = (max: number, label: string) =>
  textSchema()
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .transform((value) => (value === "" ? null : value))
    .nullish();

export const nameSchema = optionalText(200, "The name");
export const givenNameSchema = optionalText(100, "The given name");
export const familyNameSchema = optionalText(100, "The family name");
export const phoneNumberSchema = textSchema()
  .trim()
  .regex(/^\+?[0-9 ()\-.]{3,30}$/, "Enter a phone number like +1 555 0100.")
  .or(z.literal("").transform(() => null))
  .nullish();

export const membershipsSchema = z
  .array(textSchema().trim().min(1).max(100), { error: "Memberships must be a list of names." })
  .max(50, "A user can have at most 50 memberships.")
  .transform((list) => [...new Set(list)]);

export const uuidSchema = z.uuid({ error: "This is not a valid id." });

/** A malformed id is simply a record that does not exist (404), never a database error. */
export const isUuid = (id: string): boolean => uuidSchema.safeParse(id).success;
