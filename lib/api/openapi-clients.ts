import { z } from "zod";
import { applicationViewSchema, applicationWithSecretSchema, createApplicationSchema, updateApplicationFields } from "@/lib/schemas/application";

/*
 * The `/api/v2/clients` part of the OpenAPI document (lib/api/openapi.ts): applications whose users
 * sign in through Delegate's OpenID Connect provider, with Auth0's Management API field names.
 */

type JsonSchema = Record<string, unknown>;
const schema = (s: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  return rest;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ "application/json": { schema: ref(name) } });
const error = (name: string) => ({ $ref: `#/components/responses/${name}` });
const common = { 401: error("Unauthorized"), 403: error("Forbidden") };
const clientIdParameter = { name: "id", in: "path", required: true, description: "The application's `client_id`.", schema: { type: "string" } };
const ADMINISTRATORS = "Administrators only. Every change is recorded in the audit log.";

export const clientsTag = { name: "clients", description: "Applications whose users sign in through Delegate (OpenID Connect)." };

export const clientsPaths = {
  "/api/v2/clients": {
    get: {
      operationId: "listClients",
      tags: ["clients"],
      summary: "List applications",
      description: ADMINISTRATORS,
      responses: { 200: { description: "Every application.", content: { "application/json": { schema: { type: "array", items: ref("Client") } } } }, ...common },
    },
    post: {
      operationId: "createClient",
      tags: ["clients"],
      summary: "Register an application",
      description: `${ADMINISTRATORS} A regular_web application gets a \`client_secret\`, in this answer only. spa and native applications use PKCE (S256) without a secret.`,
      requestBody: { required: true, content: json("CreateClient") },
      responses: { 201: { description: "The application, with its secret once.", content: json("ClientWithSecret") }, 400: error("BadRequest"), ...common },
    },
  },
  "/api/v2/clients/{id}": {
    parameters: [clientIdParameter],
    get: { operationId: "getClient", tags: ["clients"], summary: "Get an application", responses: { 200: { description: "The application.", content: json("Client") }, ...common, 404: error("NotFound") } },
    patch: {
      operationId: "updateClient",
      tags: ["clients"],
      summary: "Change an application",
      description: `${ADMINISTRATORS} Send only the fields to change; app_type cannot change.`,
      requestBody: { required: true, content: json("UpdateClient") },
      responses: { 200: { description: "The changed application.", content: json("Client") }, 400: error("BadRequest"), ...common, 404: error("NotFound") },
    },
    delete: {
      operationId: "deleteClient",
      tags: ["clients"],
      summary: "Delete an application",
      description: `${ADMINISTRATORS} Its grants, codes and tokens are revoked.`,
      responses: { 204: { description: "Deleted." }, ...common, 404: error("NotFound") },
    },
  },
  "/api/v2/clients/{id}/rotate-secret": {
    parameters: [clientIdParameter],
    post: {
      operationId: "rotateClientSecret",
      tags: ["clients"],
      summary: "Rotate a regular_web application's secret",
      description: `${ADMINISTRATORS} The new secret is in this answer only; the previous one stops working at once.`,
      responses: { 200: { description: "The application with its new secret.", content: json("ClientWithSecret") }, 400: error("BadRequest"), ...common, 404: error("NotFound") },
    },
  },
};

export function clientsSchemas() {
  return {
    Client: schema(applicationViewSchema, "output"),
    ClientWithSecret: schema(applicationWithSecretSchema, "output"),
    CreateClient: schema(createApplicationSchema, "input"),
    UpdateClient: { ...schema(updateApplicationFields, "input"), minProperties: 1 },
  };
}
