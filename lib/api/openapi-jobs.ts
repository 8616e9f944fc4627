import { z } from "zod";
import { jobResultsQuerySchema, usersBulkJobSchema } from "@/lib/schemas/user-bulk";
import { usersExportJobSchema } from "@/lib/schemas/user-export";

/* The `/api/v2/jobs` part of the OpenAPI document (lib/api/openapi.ts): Auth0's users export job, bulk actions. */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ "application/json": { schema: ref(name) } });
const error = (name: string) => ({ $ref: `#/components/responses/${name}` });
const jobIdParameter = { name: "id", in: "path", required: true, description: "The job's id (`job_…`).", schema: { type: "string" } };

function inputSchema(schema: z.ZodType) {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

export const jobsPaths = {
  "/api/v2/jobs/users-exports": {
    post: {
      operationId: "createUsersExportJob",
      tags: ["jobs"],
      summary: "Export the users list to a file (Auth0's export job)",
      description:
        "Queues an export of the token's admin's users list (`users:read`; the Filter Hook and the Access Hook apply as on the " +
        "list), optionally narrowed by `connection_id`, the list's `q`, `connection`, `membership`, `sort`, `order`, and `limit`. " +
        "`format` `json` is one JSON object a line (NDJSON). `fields` (at most 30; `export_as` renames the column) are profile fields, " +
        "`identities[0].connection`, `user_metadata.<path>` or `app_metadata.<path>`; a password or hash is never exported. " +
        "Read the job with `GET /api/v2/jobs/{id}` until `status` is `completed`, then download its `location`.",
      requestBody: { required: true, content: json("UsersExportJobRequest") },
      responses: { 201: { description: "The job, pending.", content: json("UsersExportJob") }, 400: error("BadRequest"), 401: error("Unauthorized"), 403: error("Forbidden") },
    },
  },
  "/api/v2/jobs/users-bulk": {
    post: {
      operationId: "createUsersBulkJob",
      tags: ["jobs"],
      summary: "Block, unblock, delete, add or remove a membership, or send password reset mails, for many users",
      description:
        "Queues a bulk action (`users:write`) over `user_ids` (at most 10,000, done in order of id) or over `query`: every user of the " +
        "token's admin's users list with that search and those filters (the Filter Hook applies), resolved when the job starts, as " +
        "the admin is then, and only users created before it started. Each user goes through the single action's checks (the Access " +
        "Hook with `block:user`, `unblock:user`, `delete:user`, `change:profile` or `reset:password`; for memberships, the user's new " +
        "list must be among the Memberships Query Hook's options), its own transaction, audit entry and events; a refusal is that " +
        "user's result and the others go on. A membership to add that the admin may not assign is refused at once (400). Follow the " +
        "job with `GET /api/v2/jobs/{id}` (`summary`), its users with `GET /api/v2/jobs/{id}/results`; cancel it with " +
        "`POST /api/v2/jobs/{id}/cancel`.",
      requestBody: { required: true, content: json("UsersBulkJobRequest") },
      responses: { 201: { description: "The job, pending.", content: json("UsersBulkJob") }, 400: error("BadRequest"), 401: error("Unauthorized"), 403: error("Forbidden") },
    },
  },
  "/api/v2/jobs/{id}/results": {
    parameters: [jobIdParameter],
    get: {
      operationId: "getJobResults",
      tags: ["jobs"],
      summary: "A bulk job's per-user results",
      description:
        "The results so far, in the order the job went through the users; `status` `failed` lists the refused users with the " +
        "single action's message. `next` is the `from` of the following page (null on the last). `email` is null for a user the " +
        "admin may not read (the Access Hook's `read:user`). Same readers as the job.",
      parameters: (["status", "from", "take"] as const).map((name) => ({
        name,
        in: "query",
        required: false,
        schema: (inputSchema(jobResultsQuerySchema) as { properties: Record<string, unknown> }).properties[name],
      })),
      responses: { 200: { description: "A page of results.", content: json("JobResults") }, 400: error("BadRequest"), 401: error("Unauthorized"), 404: error("NotFound") },
    },
  },
  "/api/v2/jobs/{id}": {
    parameters: [jobIdParameter],
    get: {
      operationId: "getJob",
      tags: ["jobs"],
      summary: "A job's status",
      description: "For the admin who created the job, or an Administrator; for anyone else a 404, as for a job that does not exist.",
      responses: {
        200: { description: "The job.", content: { "application/json": { schema: { oneOf: [ref("UsersExportJob"), ref("UsersBulkJob"), ref("UsersImportJob")] } } } },
        401: error("Unauthorized"),
        404: error("NotFound"),
      },
    },
  },
  "/api/v2/jobs/{id}/cancel": {
    parameters: [jobIdParameter],
    post: {
      operationId: "cancelJob",
      tags: ["jobs"],
      summary: "Cancel a pending or running job",
      description:
        "For the admin who created the job, or an Administrator (anyone else gets a 404). The job's `status` becomes `cancelled`; a " +
        "running job stops within a second, and what it had already done stays done. A job that has finished is a 409.",
      responses: { 200: { description: "The cancelled job.", content: { "application/json": { schema: { oneOf: [ref("UsersExportJob"), ref("UsersBulkJob"), ref("UsersImportJob")] } } } }, 401: error("Unauthorized"), 404: error("NotFound"), 409: error("Conflict") },
    },
  },
  "/api/v2/jobs/{id}/download": {
    parameters: [jobIdParameter],
    get: {
      operationId: "downloadJobFile",
      tags: ["jobs"],
      summary: "A finished export's file (the job's `location`)",
      description: "The signed link is the credential (no token): `expires` (Unix seconds) and `signature` as the job gave them. A forged, altered or expired link is a 403.",
      security: [],
      parameters: [
        { name: "expires", in: "query", required: true, schema: { type: "string" } },
        { name: "signature", in: "query", required: true, schema: { type: "string" } },
      ],
      responses: {
        200: { description: "The file.", content: { "text/csv": { schema: { type: "string" } }, "application/x-ndjson": { schema: { type: "string" } } } },
        403: error("Forbidden"),
        404: error("NotFound"),
      },
    },
  },
};

export const jobsTag = { name: "jobs", description: "Background jobs: users exports, bulk actions, users imports." };

const STATUS = { type: "string", enum: ["pending", "processing", "completed", "failed", "cancelled"] };

export function jobsSchemas() {
  return {
    UsersExportJobRequest: inputSchema(usersExportJobSchema),
    UsersExportJob: {
      type: "object",
      properties: {
        id: { type: "string", description: "`job_` and 16 letters or digits." },
        type: { const: "users_export" },
        status: STATUS,
        created_at: { type: "string", format: "date-time" },
        connection_id: { type: "string" },
        format: { type: "string", enum: ["csv", "json"] },
        limit: { type: "integer" },
        fields: { type: "array", items: { type: "object", properties: { name: { type: "string" }, export_as: { type: "string" } }, required: ["name"] } },
        rows_exported: { type: "integer", description: "Rows written so far; all of them once completed." },
        location: { type: "string", format: "uri", description: "Once completed: the download link, valid until `location_expires_at` (one hour)." },
        location_expires_at: { type: "string", format: "date-time" },
        error: { type: "string", description: "Why a failed job failed." },
      },
      required: ["id", "type", "status", "created_at", "rows_exported"],
    },
    UsersBulkJobRequest: inputSchema(usersBulkJobSchema),
    UsersBulkJob: {
      type: "object",
      properties: {
        id: { type: "string", description: "`job_` and 16 letters or digits." },
        type: { const: "users_bulk" },
        status: STATUS,
        created_at: { type: "string", format: "date-time" },
        action: { type: "string", enum: ["block", "unblock", "delete", "add_membership", "remove_membership", "send_password_reset"] },
        membership: { type: "string" },
        user_ids: { type: "integer", description: "How many users were chosen by id." },
        query: { type: "object", description: "The list's search and filters, for every user they match." },
        summary: {
          type: "object",
          properties: {
            done: { type: "integer" },
            failed: { type: "integer", description: "Users refused (see the results for why)." },
            total: { type: ["integer", "null"], description: "Users the job goes through; for `query`, counted when it starts (null before)." },
          },
          required: ["done", "failed", "total"],
        },
        error: { type: "string", description: "Why a failed job failed (e.g. its admin was blocked)." },
      },
      required: ["id", "type", "status", "created_at", "action", "summary"],
    },
    JobResults: {
      type: "object",
      properties: {
        results: {
          type: "array",
          items: {
            type: "object",
            properties: {
              user_id: { type: "string" },
              email: { type: ["string", "null"] },
              status: { type: "string", enum: ["done", "failed"] },
              message: { type: "string", description: "Why the user was refused." },
            },
            required: ["user_id", "email", "status"],
          },
        },
        next: { type: ["integer", "null"] },
      },
      required: ["results", "next"],
    },
  };
}
