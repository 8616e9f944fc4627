import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { requestInfoFrom } from "@/lib/auth/request-info";
import { DomainError, parseInput, unauthorized, validationError } from "@/lib/errors";
import { authenticateApiToken } from "@/lib/tokens/api-tokens";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  412: "Precondition Failed",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

export function apiError(status: number, message: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ statusCode: status, error: REASONS[status] ?? "Error", message, ...extra }, { status });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof DomainError) {
    return apiError(error.status, error.message, { ...error.details, ...(error.fieldErrors && { fields: error.fieldErrors }) });
  }
  console.error("Unexpected error in an API route:", error);
  return apiError(500, "Something went wrong on the server. Try again; if it persists, check the server log.");
}

/** `Authorization: Bearer <token>` (API v2) or `Authorization: Token token=<token>` (REST hooks, seed 002). */
export function presentedToken(request: Request): string | null {
  const header = request.headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const token = /^Token\s+token="?([^"\s]+)"?$/i.exec(header);
  return token ? token[1] : null;
}

export async function authenticate(request: Request): Promise<Actor> {
  const token = presentedToken(request);
  if (!token) throw unauthorized("Send an API token: Authorization: Bearer <token>. Administrators create tokens in the console.");
  return authenticateApiToken(token, requestInfoFrom(request.headers));
}

export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw validationError("The request body must be valid JSON.");
  }
  return parseInput(schema, body);
}

/** The query string as an object (a repeated parameter keeps its last value), validated by the schema. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  return parseInput(schema, Object.fromEntries(new URL(request.url).searchParams));
}

type RouteContext<P> = { params: Promise<P> };

/** Wraps a route handler: authenticates the API token and turns every error into the JSON error shape. */
export function apiRoute<P = Record<string, never>>(
  handler: (args: { actor: Actor; request: Request; params: P }) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const actor = await authenticate(request);
      return await handler({ actor, request, params: await context.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
