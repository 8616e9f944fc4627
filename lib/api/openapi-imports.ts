import { z } from "zod";
import { IMPORT_FIELDS, usersImportJobSchema } from "@/lib/schemas/user-import";

/* The `/api/v2/jobs` import part of the OpenAPI document (lib/api/openapi.ts): Auth0's bulk users import, and Delegate's additions. */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ "application/json": { schema: ref(name) } });
const error = (name: string) => ({ $ref: `#/components/responses/${name}` });
const jobIdParameter = { name: "id", in: "path", required: true, description: "The job's id (`job_…`).", schema: { type: "string" } };

function formSchema() {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(usersImportJobSchema, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as {
    $schema: string;
    properties: Record<string, unknown>;
  } & Record<string, unknown>;
  return {
    ...rest,
    properties: {
      users: { type: "string", format: "binary", description: "The file: CSV (header row, UTF-8 with or without BOM, `,` or `;`), a JSON array, or one JSON object a line. At most 50 MB and 1,000,000 users." },
      ...rest.properties,
      mapping: { type: "string", description: `JSON: file column → field (${IMPORT_FIELDS.join(", ")}), or "" to leave a column out. Without it, columns named like a field map to it.` },
    },
    required: ["users", "connection_id"],
  };
}

const summary = {
  type: "object",
  properties: {
    inserted: { type: "integer", description: "Users created (a dry run: that would be created)." },
    updated: { type: "integer" },
    unchanged: { type: "integer", description: "Rows that matched a user and changed nothing (Delegate's)." },
    failed: { type: "integer", description: "Refused rows: `GET /api/v2/jobs/{id}/errors`." },
    total: { type: "integer", description: "Rows in the file." },
  },
  required: ["inserted", "updated", "unchanged", "failed", "total"],
};

export const importsPaths = {
  "/api/v2/jobs/users-imports": {
    post: {
      operationId: "createUsersImportJob",
      tags: ["jobs"],
      summary: "Import users from a file (Auth0's bulk import)",
      description:
        "multipart/form-data, Auth0's fields: the file in `users`, `connection_id`, `upsert` (update users that exist, matched by email, " +
        "or with `upsert_by: user_id` by Delegate's id or the imported `auth0|…` id), `external_id`, `send_completion_email` (no mail is sent). " +
        "Delegate adds `dry_run` (judge every row, write nothing) and `mapping`. Every row is one create or update exactly as the console makes " +
        "it (role, Settings Query Hook, Write Hook, Memberships Query Hook, validation, audit, events), in its own transaction. Rows carry Auth0's " +
        "bulk-import fields (`custom_password_hash`: bcrypt, argon2, pbkdf2, sha256, sha512, Administrators only; `password_hash`: bcrypt), " +
        "`password` and `memberships`; an Auth0 export file imports as it is.",
      requestBody: { required: true, content: { "multipart/form-data": { schema: ref("UsersImportJobRequest") } } },
      responses: {
        201: { description: "The job, pending.", content: json("UsersImportJob") },
        400: error("BadRequest"),
        401: error("Unauthorized"),
        403: error("Forbidden"),
        413: error("PayloadTooLarge"),
      },
    },
  },
  "/api/v2/jobs/{id}/errors": {
    parameters: [jobIdParameter],
    get: {
      operationId: "getJobErrors",
      tags: ["jobs"],
      summary: "An import's refused rows (as Auth0 lists them)",
      responses: { 200: { description: "The refused rows, in file order.", content: { "application/json": { schema: { type: "array", items: ref("UsersImportError") } } } }, 401: error("Unauthorized"), 404: error("NotFound") },
    },
  },
  "/api/v2/jobs/{id}/import": {
    parameters: [jobIdParameter],
    post: {
      operationId: "importAfterDryRun",
      tags: ["jobs"],
      summary: "Import a finished dry run's file (Delegate's)",
      description: "A new import job with the dry run's file and options; every row is judged again when it is written.",
      responses: { 201: { description: "The import job, pending.", content: json("UsersImportJob") }, 400: error("BadRequest"), 401: error("Unauthorized"), 404: error("NotFound"), 409: error("Conflict") },
    },
  },
};

export function importsSchemas() {
  return {
    UsersImportJobRequest: formSchema(),
    UsersImportJob: {
      type: "object",
      properties: {
        id: { type: "string" },
        type: { const: "users_import" },
        status: { type: "string", enum: ["pending", "processing", "completed", "failed", "cancelled"] },
        created_at: { type: "string", format: "date-time" },
        connection_id: { type: "string" },
        connection: { type: "string" },
        upsert: { type: "boolean" },
        upsert_by: { type: "string", enum: ["email", "user_id"] },
        dry_run: { type: "boolean" },
        external_id: { type: "string" },
        dry_run_job: { type: "string", description: "The dry run this import follows." },
        mapping: { type: "object", additionalProperties: { type: "string" } },
        rows_done: { type: "integer" },
        summary,
        rows_per_second: { type: "number", description: "While processing: the rate since the job (re)started." },
        seconds_left: { type: "integer", description: "While processing: the time left at that rate." },
        rows: {
          type: "array",
          description: "A dry run's first 1,000 rows and their outcomes (the result file has every row).",
          items: {
            type: "object",
            properties: {
              row: { type: "integer", description: "1 for the file's first user." },
              outcome: { type: "string", enum: ["create", "update", "unchanged", "refused"] },
              email: { type: "string" },
              user_id: { type: "string" },
              code: { type: "string" },
              message: { type: "string" },
              field: { type: "string" },
              changes: { type: "array", items: { type: "object" }, description: "An update's changes, as the audit log records them." },
            },
            required: ["row", "outcome"],
          },
        },
        rows_truncated: { type: "boolean" },
        location: { type: "string", format: "uri", description: "Once finished: the result file (CSV: row, email, outcome, user_id, code, field, message, changes)." },
        location_expires_at: { type: "string", format: "date-time" },
        error: { type: "string" },
      },
      required: ["id", "type", "status", "created_at", "rows_done", "summary"],
    },
    UsersImportError: {
      type: "object",
      properties: {
        user: { type: "object", description: "The row as read (never a password or hash)." },
        row: { type: "integer" },
        errors: {
          type: "array",
          items: { type: "object", properties: { code: { type: "string" }, message: { type: "string" }, path: { type: "string" } }, required: ["code", "message"] },
        },
      },
      required: ["user", "row", "errors"],
    },
  };
}
