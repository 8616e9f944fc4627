import { z } from "zod";
import { textSchema } from "./common";
import { oneSearchParameter, userListFieldsSchema } from "./user";

/** The profile fields an export may hold: Auth0's names. The password hash is not one of them, ever. */
export const USER_EXPORT_COLUMNS = [
  "user_id",
  "email",
  "email_verified",
  "username",
  "name",
  "given_name",
  "family_name",
  "phone_number",
  "phone_verified",
  "blocked",
  "connection",
  "created_at",
  "updated_at",
  "last_login",
  "logins_count",
  "user_metadata",
  "app_metadata",
] as const;
export type UserExportColumn = (typeof USER_EXPORT_COLUMNS)[number];

/** What an export holds when `fields` is left out: every column but the metadata documents. */
export const DEFAULT_EXPORT_COLUMNS = USER_EXPORT_COLUMNS.filter((column) => column !== "user_metadata" && column !== "app_metadata");

export type ExportFieldSource =
  | { kind: "column"; column: UserExportColumn }
  | { kind: "metadata"; root: "user_metadata" | "app_metadata"; path: string[] };

const METADATA_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_METADATA_DEPTH = 8;
/** Auth0 allows at most 30 fields in an export. */
export const MAX_EXPORT_FIELDS = 30;

/**
 * A field name as the column or metadata path it reads, or the reason it cannot be exported. Auth0's
 * `identities[0].connection` is the connection's name.
 */
export function exportFieldSource(name: string): ExportFieldSource | { error: string } {
  if (name === "identities[0].connection") return { kind: "column", column: "connection" };
  if ((USER_EXPORT_COLUMNS as readonly string[]).includes(name)) return { kind: "column", column: name as UserExportColumn };
  const [root, ...path] = name.split(".");
  if ((root === "user_metadata" || root === "app_metadata") && path.length > 0) {
    if (path.length > MAX_METADATA_DEPTH) return { error: `The path "${name}" is deeper than ${MAX_METADATA_DEPTH} keys.` };
    const bad = path.find((key) => !METADATA_KEY.test(key));
    if (bad !== undefined) return { error: `The metadata key "${bad}" in "${name}" is not supported: keys are 1-64 letters, digits, - or _.` };
    return { kind: "metadata", root, path };
  }
  if (/pass|hash|secret/i.test(name)) return { error: `"${name}" cannot be exported: passwords, their hashes and secrets never leave Delegate.` };
  return { error: `Unknown field "${name}": the fields are ${USER_EXPORT_COLUMNS.join(", ")}, identities[0].connection, user_metadata.<path>, app_metadata.<path>.` };
}

export const exportFieldSchema = z
  .object({
    name: textSchema({ error: "Each field needs a name." })
      .trim()
      .min(1, "Each field needs a name.")
      .max(600)
      .superRefine((name, ctx) => {
        const source = exportFieldSource(name);
        if ("error" in source) ctx.addIssue({ code: "custom", message: source.error });
      }),
    export_as: textSchema().trim().min(1, "export_as cannot be empty.").max(100).optional(),
  })
  .strict();
export type ExportField = z.infer<typeof exportFieldSchema>;

export const EXPORT_FORMATS = ["csv", "json"] as const;
const formatSchema = z.enum(EXPORT_FORMATS, { error: "format must be csv or json (one JSON object a line)." });

const exportFieldsSchema = z
  .array(exportFieldSchema, { error: "fields must be a list of { name, export_as }." })
  .min(1, "Name at least one field, or leave fields out for the default ones.")
  .max(MAX_EXPORT_FIELDS, `At most ${MAX_EXPORT_FIELDS} fields can be exported.`);

/** The console's download: the users list's search, filters and order, and the format. */
export const exportUsersSchema = userListFieldsSchema
  .extend({
    format: formatSchema.default("csv"),
    fields: exportFieldsSchema.optional(),
    limit: z.coerce.number().int().min(1, "limit must be at least 1.").optional(),
    connection_id: textSchema().trim().max(200).optional(),
  })
  .refine(...oneSearchParameter);
export type ExportUsersInput = z.infer<typeof exportUsersSchema>;

/**
 * `POST /api/v2/jobs/users-exports`: Auth0's body (`connection_id`, `format`, `limit`, `fields`) plus the
 * users list's own `q`, `membership`, `sort` and `order`, so that a job exports the same list as the console.
 */
export const usersExportJobSchema = userListFieldsSchema
  .omit({ search: true })
  .extend({
    format: formatSchema.default("json"),
    fields: exportFieldsSchema.optional(),
    limit: z.number({ error: "limit must be a whole number." }).int("limit must be a whole number.").min(1, "limit must be at least 1.").optional(),
    connection_id: textSchema().trim().min(1).max(200).optional(),
  })
  .strict();
export type UsersExportJobInput = z.infer<typeof usersExportJobSchema>;
