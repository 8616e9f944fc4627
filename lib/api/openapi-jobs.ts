import { z } from "zod";
import { usersExportJobSchema } from "@/lib/schemas/user-export";

/* The `/api/v2/jobs` export part of the OpenAPI document (lib/api/openapi.ts): Auth0's users export job. */

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
  "/api/v2/jobs/{id}": {
    parameters: [jobIdParameter],
    get: {
      operationId: "getJob",
      tags: ["jobs"],
      summary: "A job's status",
      description: "For the admin who created the job, or an Administrator; for anyone else a 404, as for a job that does not exist.",
      responses: { 200: { description: "The job.", content: json("UsersExportJob") }, 401: error("Unauthorized"), 404: error("NotFound") },
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
      responses: { 200: { description: "The cancelled job.", content: json("UsersExportJob") }, 401: error("Unauthorized"), 404: error("NotFound"), 409: error("Conflict") },
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

export const jobsTag = { name: "jobs", description: "Background jobs: users exports." };

export function jobsSchemas() {
  return {
    UsersExportJobRequest: inputSchema(usersExportJobSchema),
    UsersExportJob: {
      type: "object",
      properties: {
        id: { type: "string", description: "`job_` and 16 letters or digits." },
        type: { const: "users_export" },
        status: { type: "string", enum: ["pending", "processing", "completed", "failed", "cancelled"] },
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
  };
}
