import { z } from "zod";
import { accessEvaluationSchema, evaluateAccessSchema } from "@/lib/schemas/access";
import { impactPreviewResultSchema, impactPreviewSchema } from "@/lib/schemas/impact";
import { passwordChangeTicketSchema, verificationEmailJobSchema } from "@/lib/schemas/account";
import { createUserSchema, listUsersSchema, PAGE_SIZES, updateUserSchema } from "@/lib/schemas/user";
import { clientsPaths, clientsSchemas, clientsTag } from "./openapi-clients";
import { importsPaths, importsSchemas } from "./openapi-imports";
import { jobsPaths, jobsSchemas, jobsTag } from "./openapi-jobs";
import { apiErrorSchema, apiUserSchema, userPageSchema } from "./schemas";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1): what a client sends, or what it receives. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12" }) as JsonSchema;
  return rest;
}

/**
 * Rules that JSON Schema cannot see in the zod schemas: the email check sits behind a trim and
 * lower-case step, and the page size is a refinement over the allowed values.
 */
function withRefinements(schema: JsonSchema): JsonSchema {
  const properties = { ...schema.properties };
  if (properties.email) properties.email = { ...properties.email, format: "email" };
  if (properties.per_page) properties.per_page = { type: "integer", enum: [...PAGE_SIZES], default: 25 };
  return { ...schema, properties };
}

const QUERY_DESCRIPTIONS: Record<string, string> = {
  search:
    "A plain word: a case-insensitive substring of the email, name or username. Text that names a field " +
    "(`email:*@example.com`, `app_metadata.department:\"Finance\" AND email_verified:false`, `_exists_:last_login`) is a " +
    "query in Auth0's user-search syntax (v3): `field:value`, `field:\"quoted\"`, `*` at the start or end of a value, " +
    "`field:(a b)`, AND / OR / NOT / `-`, parentheses, `_exists_:field`, ranges `[a TO b]` / `{a TO b}` on dates and numbers. " +
    "Fields: user_id, email, email_verified, username, name, given_name, family_name, nickname, phone_number, blocked, " +
    "logins_count, created_at, updated_at, last_login, identities.connection, app_metadata.<path>, user_metadata.<path>. " +
    "A query that cannot be used is a 400 whose `position` is the character where the problem is. The Filter Hook's " +
    "restriction is applied as (search) AND (filter).",
  q: "The same as `search`, under the Management API's name. Send one of the two.",
  connection: "Only users of this connection (by name).",
  membership: "Only users with this membership (department).",
  sort:
    "The field to sort by: email, name, created_at, last_login (indexed), or updated_at, username, given_name, family_name, " +
    "phone_number, logins_count, app_metadata.<path> / user_metadata.<path> (up to five levels; metadata sorts as text). " +
    "Users without a value come last.",
  order: "Sort direction.",
  page: "The page, from 1 (with `after` or `before`, only the number the page is shown as).",
  after: "A page's `next`: the page after it, found by keyset (as fast on page 400 as on page 1) instead of skipping rows.",
  before: "A page's `previous`: the page before it, found by keyset.",
  per_page: "Users per page.",
};

function queryParameters(schema: z.ZodType) {
  const { properties = {}, required = [] } = withRefinements(jsonSchema(schema, "input"));
  return Object.entries(properties).map(([name, parameterSchema]) => ({
    name,
    in: "query",
    required: required.includes(name),
    description: QUERY_DESCRIPTIONS[name],
    schema: parameterSchema,
  }));
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schemaName: string) => ({ "application/json": { schema: ref(schemaName) } });
const ERROR_RESPONSES = {
  400: ["BadRequest", "The body is not valid JSON, or a field is invalid (see `fields`), or a search query cannot be used (see `position`)."],
  401: ["Unauthorized", "No API token, or the token is invalid or revoked, or its admin is blocked."],
  403: ["Forbidden", "The role of the token's admin does not allow this."],
  404: ["NotFound", "The user does not exist."],
  409: ["Conflict", "The email or username is already taken in the connection (see `fields`), or the user's state does not allow the call (e.g. no open invitation)."],
  412: [
    "PreconditionFailed",
    "`If-Match` names a version the user is no longer at: someone changed it since you read it. GET it again (new `ETag`), then retry.",
  ],
  413: ["PayloadTooLarge", "The uploaded file is larger than an import takes (50 MB)."],
  429: ["TooManyRequests", "Too many requests: wait and try again."],
} as const;

const errors = (...statuses: (keyof typeof ERROR_RESPONSES)[]) =>
  Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSES[status][0]}` }]));

const etagHeader = {
  ETag: {
    description: "The user's version, a strong entity tag that changes with every change to the user. Send it back in `If-Match`.",
    schema: { type: "string", examples: ['"3"'] },
  },
};

const ifMatchParameter = {
  name: "If-Match",
  in: "header",
  required: false,
  description:
    "The `ETag` of the user as you read it: the change is made only if the user is still at that version (checked in the same " +
    "statement as the write), else 412. Without it the change applies to the current user, whatever its version.",
  schema: { type: "string", examples: ['"3"'] },
};

const userIdParameter = {
  name: "id",
  in: "path",
  required: true,
  description: "The user's `user_id`.",
  schema: { type: "string", format: "uuid" },
};

function buildDocument() {
  const userPage = jsonSchema(userPageSchema, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "Delegate API",
      version: "2",
      description:
        "Manage the users of the database connections with the same rules as the console. " +
        "Authenticate with an API token that an Administrator creates in the console (Settings → API tokens); " +
        "each request acts as the admin who created the token, with that admin's role, and is recorded in the audit log.",
    },
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "users", description: "Users of the database connections." },
      { name: "account links", description: "Invitations, password resets and email verification: single-use links mailed to users." },
      clientsTag,
      jobsTag,
      { name: "audit log", description: "The audit log, a hash chain (npm run audit:verify)." },
      { name: "access", description: "Why an admin may or may not act on a user: the checks run with saved hooks or a draft, nothing written." },
    ],
    paths: {
      "/api/v2/users": {
        get: {
          operationId: "listUsers",
          tags: ["users"],
          summary: "List, search, filter and sort users",
          parameters: queryParameters(listUsersSchema),
          responses: {
            200: { description: "One page of users and the total count.", content: json("UserPage") },
            ...errors(400, 401, 403),
          },
        },
        post: {
          operationId: "createUser",
          tags: ["users"],
          summary: "Create a user in a database connection",
          description:
            "With `password`, the user can sign in at once (`password_change_required: true` makes it temporary). " +
            'Without it, send `"send_invitation": true`: the user gets a mail with a single-use link (valid 7 days) to choose ' +
            "their password, which also verifies the email.",
          requestBody: { required: true, content: json("CreateUser") },
          responses: {
            201: {
              description: "The user was created.",
              headers: { Location: { description: "The new user's URL.", schema: { type: "string" } } },
              content: json("User"),
            },
            ...errors(400, 401, 403, 409),
          },
        },
      },
      "/api/v2/users/{id}": {
        parameters: [userIdParameter],
        get: {
          operationId: "getUser",
          tags: ["users"],
          summary: "Get one user",
          responses: { 200: { description: "The user.", headers: etagHeader, content: json("User") }, ...errors(401, 403, 404) },
        },
        patch: {
          operationId: "updateUser",
          tags: ["users"],
          summary: "Change one or more fields of a user",
          description:
            "Send only the fields to change. Changing the email resets `email_verified` unless it is sent too. " +
            "`memberships` replaces `app_metadata.memberships`. Only Administrators can change `user_metadata` and " +
            "`app_metadata`. Nobody can block themselves. Blocking, roles and memberships are changes like any other: " +
            "send `If-Match` to make them only against the version you read.",
          parameters: [ifMatchParameter],
          requestBody: { required: true, content: json("UpdateUser") },
          responses: {
            200: { description: "The changed user.", headers: etagHeader, content: json("User") },
            ...errors(400, 401, 403, 404, 409, 412),
          },
        },
        delete: {
          operationId: "deleteUser",
          tags: ["users"],
          summary: "Delete a user",
          description:
            "Nobody can delete themselves. The user can be restored by an Administrator for 30 days " +
            "(`DELEGATE_RETENTION_DELETED_USERS_DAYS`), then it is purged; meanwhile every read of it is a 404 and " +
            "its email and username are free for a new user.",
          parameters: [ifMatchParameter],
          responses: { 204: { description: "The user was deleted." }, ...errors(401, 403, 404, 412) },
        },
      },
      "/api/v2/users/{id}/restore": {
        parameters: [userIdParameter],
        post: {
          operationId: "restoreUser",
          tags: ["users"],
          summary: "Restore a deleted user",
          description:
            "Administrators only, within the restore window: the user comes back with every property, metadata and " +
            "membership it had (its sessions stay ended). 404 when there is no such deleted user you may see; 409 when " +
            "another user of the connection took its email or username meanwhile. Emits `user.restore.complete`.",
          responses: { 200: { description: "The restored user.", content: json("User") }, ...errors(401, 403, 404, 409) },
        },
      },
      "/api/v2/users/{id}/invitations": {
        parameters: [userIdParameter],
        post: {
          operationId: "resendInvitation",
          tags: ["account links"],
          summary: "Send the invitation again",
          description: "A new link is mailed; the older ones stop working. Only for a user who has no password yet (409 otherwise). Access Hook action `send:invitation`.",
          responses: {
            201: { description: "The invitation mail is queued.", content: json("InvitationSent") },
            ...errors(401, 403, 404, 409),
          },
        },
        delete: {
          operationId: "revokeInvitation",
          tags: ["account links"],
          summary: "Revoke the open invitation",
          description: "Its link stops working. Access Hook action `revoke:invitation`.",
          responses: { 204: { description: "The invitation was revoked." }, ...errors(401, 403, 404, 409) },
        },
      },
      "/api/v2/users/{id}/password-reset": {
        parameters: [userIdParameter],
        post: {
          operationId: "sendPasswordResetEmail",
          tags: ["account links"],
          summary: "Send a password reset email (DAE's route)",
          description: "A single-use link valid 24 hours; using it sets a new password and ends the user's sessions. Access Hook action `reset:password`.",
          responses: { 204: { description: "The mail is queued." }, ...errors(401, 403, 404) },
        },
      },
      "/api/v2/tickets/password-change": {
        post: {
          operationId: "createPasswordChangeTicket",
          tags: ["account links"],
          summary: "Create a password change ticket (Auth0's call)",
          description: "Returns the link instead of mailing it. Access Hook action `reset:password`.",
          requestBody: { required: true, content: json("PasswordChangeTicketRequest") },
          responses: { 201: { description: "The ticket.", content: json("PasswordChangeTicket") }, ...errors(400, 401, 403, 404) },
        },
      },
      "/api/v2/jobs/verification-email": {
        post: {
          operationId: "sendVerificationEmail",
          tags: ["account links"],
          summary: "Send a verification email (Auth0's call)",
          description: "A single-use link valid 5 days that marks `email_verified`. Access Hook action `send:verification-email`.",
          requestBody: { required: true, content: json("VerificationEmailJobRequest") },
          responses: { 201: { description: "The mail is queued.", content: json("Job") }, ...errors(400, 401, 403, 404) },
        },
      },
      ...clientsPaths,
      ...jobsPaths,
      ...importsPaths,
      "/api/v2/logs/export": {
        get: {
          operationId: "exportAuditLog",
          tags: ["audit log"],
          summary: "Export the filtered audit log as CSV or NDJSON (streamed)",
          description:
            "The entries the token's admin may read (Operators, Administrators, Auditors; scoped by the Filter Hook as on the " +
            "logs page), with the logs page's filters, in chain order. Each entry carries `seq`, `prev_hash` and `hash`. " +
            "CSV fields that a spreadsheet would run as a formula start with an apostrophe. Audited as `audit.export`.",
          parameters: [
            { name: "format", in: "query", schema: { type: "string", enum: ["csv", "ndjson"], default: "ndjson" } },
            { name: "actor", in: "query", schema: { type: "string" }, description: "Part of the acting admin's email." },
            { name: "action", in: "query", schema: { type: "string" } },
            { name: "user_id", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "result", in: "query", schema: { type: "string", enum: ["success", "failure"] } },
          ],
          responses: {
            200: {
              description: "The entries, one a line.",
              content: { "text/csv": { schema: { type: "string" } }, "application/x-ndjson": { schema: { type: "string" } } },
            },
            ...errors(400, 401, 403),
          },
        },
      },
      "/api/v2/access/evaluate": {
        post: {
          operationId: "evaluateAccess",
          tags: ["access"],
          summary: "Why can (or can't) this admin do this?",
          description:
            "Administrators and Auditors. Runs, for one admin, one user (`user_id`) and one action, the checks the admin's own " +
            "request would run: the role's permission, the built-in rules (nobody deletes their own account; only Administrators " +
            "change other admins' accounts), the Filter Hook (`list:user`: is the user in the admin's list), the Access Hook, and " +
            "for `create:user` the Settings Query Hook's `canCreateUser` and the Memberships Query Hook (`membership`). Answers " +
            "which check decided, the hook's message, and each hook run with its logs. With `draft` (Administrators), the draft " +
            "runs instead of the saved hook of its kind. Nothing is written: no hook execution, no custom data, no audit.",
          requestBody: { required: true, content: json("EvaluateAccessRequest") },
          responses: { 200: { description: "The evaluation.", content: json("AccessEvaluation") }, ...errors(400, 401, 403, 404) },
        },
      },
      "/api/v2/access/impact": {
        post: {
          operationId: "previewImpact",
          tags: ["access"],
          summary: "What would deploying this hook draft change?",
          description:
            "Administrators. For every admin (or `admins`), compares a Filter, Access, Memberships Query or Settings Query Hook " +
            "draft (`code`, or a saved `version`) with the deployed version: the users newly visible and no longer visible in " +
            "the admin's list (counted in SQL with the list's own condition, with the first 5 of each), the Access Hook's " +
            "answers for every action on a sample of users, the Memberships field's options, and the Settings Query Hook's " +
            "`canCreateUser` and other settings. After `time_limit_ms` no further admin is started and the answer is `partial`. " +
            "Nothing is written: no hook execution, no custom data, no audit.",
          requestBody: { required: true, content: json("ImpactPreviewRequest") },
          responses: { 200: { description: "The preview, one entry per admin done.", content: json("ImpactPreview") }, ...errors(400, 401, 403, 404) },
        },
      },
      "/api/v2/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          summary: "This document",
          security: [],
          responses: { 200: { description: "The OpenAPI 3.1 document of this API.", content: { "application/json": {} } } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "`Authorization: Bearer dlg_…`: an API token shown once when an Administrator creates it.",
        },
      },
      schemas: {
        User: jsonSchema(apiUserSchema, "output"),
        UserPage: { ...userPage, properties: { ...userPage.properties, users: { type: "array", items: ref("User") } } },
        CreateUser: withRefinements(jsonSchema(createUserSchema, "input")),
        UpdateUser: { ...withRefinements(jsonSchema(updateUserSchema, "input")), minProperties: 1 },
        ...clientsSchemas(),
        ...jobsSchemas(),
        ...importsSchemas(),
        Error: jsonSchema(apiErrorSchema, "output"),
        InvitationSent: {
          type: "object",
          properties: { user_id: { type: "string", format: "uuid" }, expires_at: { type: "string", format: "date-time" } },
          required: ["user_id", "expires_at"],
        },
        PasswordChangeTicketRequest: jsonSchema(passwordChangeTicketSchema, "input"),
        PasswordChangeTicket: {
          type: "object",
          properties: { ticket: { type: "string", format: "uri", description: "The single-use link to the password page." } },
          required: ["ticket"],
        },
        VerificationEmailJobRequest: jsonSchema(verificationEmailJobSchema, "input"),
        EvaluateAccessRequest: jsonSchema(evaluateAccessSchema, "input"),
        AccessEvaluation: jsonSchema(accessEvaluationSchema, "output"),
        ImpactPreviewRequest: jsonSchema(impactPreviewSchema, "input"),
        ImpactPreview: jsonSchema(impactPreviewResultSchema, "output"),
        Job: {
          type: "object",
          properties: {
            type: { const: "verification_email" },
            status: { const: "pending" },
            created_at: { type: "string", format: "date-time" },
            id: { type: "string", description: "The queued mail's id." },
          },
          required: ["type", "status", "created_at", "id"],
        },
      },
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(([name, description]) => [name, { description, content: json("Error") }]),
      ),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

let cached: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document of API v2, built from the zod schemas that validate the requests. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildDocument();
  return cached;
}
