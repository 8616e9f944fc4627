import { z } from "zod";
import {
  emailSchema,
  familyNameSchema,
  givenNameSchema,
  membershipsSchema,
  metadataSchema,
  nameSchema,
  passwordSchema,
  phoneNumberSchema,
  textSchema,
  usernameSchema,
} from "./common";
import { customPasswordHashSchema } from "./password-hash";

/** The largest file an import takes (documented in the OpenAPI document and docs/architecture.md). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 1_000_000;

/** The fields a file's column can be mapped to: Auth0's bulk-import names, plus `password` and `memberships`. */
export const IMPORT_FIELDS = [
  "email",
  "email_verified",
  "user_id",
  "username",
  "name",
  "given_name",
  "family_name",
  "nickname",
  "phone_number",
  "blocked",
  "password",
  "password_hash",
  "custom_password_hash",
  "memberships",
  "user_metadata",
  "app_metadata",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Form values arrive as text: "true"/"false" (and 1/0, yes/no) are booleans. */
const formBoolean = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  const text = value.trim().toLowerCase();
  if (["true", "1", "yes"].includes(text)) return true;
  if (["false", "0", "no", ""].includes(text)) return false;
  return value;
}, z.boolean({ error: "Use true or false." }));

/** Text that holds JSON (a CSV cell, a multipart field) is parsed; anything else passes as it is. */
const jsonText = (what: string) => (value: unknown, ctx: z.RefinementCtx) => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: `${what} is not valid JSON.` });
    return z.NEVER;
  }
};

/** A column → field map: `{ "E-mail": "email", "Dept": "memberships" }`; a column mapped to "" is left out. */
export const importMappingSchema = z.record(textSchema().max(200), z.enum([...IMPORT_FIELDS, ""], { error: `Map each column to one of ${IMPORT_FIELDS.join(", ")}, or to "" to leave it out.` }));
export type ImportMapping = z.infer<typeof importMappingSchema>;

/**
 * `POST /api/v2/jobs/users-imports` (multipart, Auth0's field names): the file in `users`, `connection_id`,
 * `upsert`, `external_id`, `send_completion_email` (accepted, no mail is sent); Delegate adds `dry_run`,
 * `upsert_by` and `mapping`.
 */
export const usersImportJobSchema = z.object({
  connection_id: textSchema({ error: "Say which connection the users go to (connection_id)." }).trim().min(1, "Say which connection the users go to (connection_id)."),
  upsert: formBoolean.default(false),
  /** With upsert: match existing users by email (Auth0's way) or by user_id (Delegate's id or the imported alias). */
  upsert_by: z.enum(["email", "user_id"], { error: "upsert_by is email or user_id." }).default("email"),
  dry_run: formBoolean.default(false),
  mapping: z.preprocess(jsonText("mapping"), importMappingSchema).optional(),
  external_id: textSchema().max(200).optional(),
  send_completion_email: formBoolean.optional(),
});
export type UsersImportJobInput = z.infer<typeof usersImportJobSchema>;

const emptyIsAbsent = (value: unknown) => (value === "" || value === null ? undefined : value);
const optional = <S extends z.ZodType>(schema: S) => z.preprocess(emptyIsAbsent, schema.optional());

/** `memberships`: a JSON array, or in a CSV cell names separated by `;` (or a JSON array). */
const membershipsCell = z.preprocess((value, ctx) => {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (text.startsWith("[")) return jsonText("memberships")(text, ctx);
  return text.split(";").map((part) => part.trim()).filter(Boolean);
}, membershipsSchema);

/** One row of an import, after the column mapping: what it may carry and how text cells are read. */
export const importRowSchema = z.object({
  email: emailSchema,
  email_verified: optional(formBoolean),
  user_id: optional(textSchema().trim().max(255, "The user_id must be at most 255 characters.")),
  username: optional(usernameSchema),
  name: optional(nameSchema),
  given_name: optional(givenNameSchema),
  family_name: optional(familyNameSchema),
  nickname: optional(textSchema().max(300)),
  phone_number: optional(phoneNumberSchema),
  blocked: optional(formBoolean),
  password: optional(passwordSchema),
  password_hash: optional(textSchema().max(200)),
  custom_password_hash: z.preprocess(emptyIsAbsent, z.preprocess(jsonText("custom_password_hash"), customPasswordHashSchema).optional()),
  memberships: optional(membershipsCell),
  user_metadata: z.preprocess(emptyIsAbsent, z.preprocess(jsonText("user_metadata"), metadataSchema).optional()),
  app_metadata: z.preprocess(emptyIsAbsent, z.preprocess(jsonText("app_metadata"), metadataSchema).optional()),
});
export type ImportRow = z.output<typeof importRowSchema>;

/** The console's mapping screen: a staged upload (POST /users/import/upload) and the import's options. */
export const consoleImportSchema = usersImportJobSchema.extend({
  upload_id: z.uuid({ error: "Upload the file again." }),
  mapping: importMappingSchema,
});
export type ConsoleImportInput = z.infer<typeof consoleImportSchema>;
