import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * The expected errors of the domain. Their messages are written for the admin and reach the
 * console (form alerts, field errors) and the API (`message`) unchanged; anything else is a bug
 * and is reported as a generic 500 without details.
 */
export type DomainErrorCode =
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "unprocessable"
  | "rate_limited"
  | "too_large"
  | "hook";

const STATUS: Record<DomainErrorCode, number> = {
  validation: 400,
  hook: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  unprocessable: 422,
  rate_limited: 429,
  too_large: 413,
};

export type FieldErrors = Record<string, string>;

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly fieldErrors?: FieldErrors;
  /** Facts a client can act on, sent next to the message in the API's JSON (e.g. a query error's `position`). */
  readonly details?: Record<string, string | number>;

  constructor(code: DomainErrorCode, message: string, fieldErrors?: FieldErrors, details?: Record<string, string | number>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.fieldErrors = fieldErrors;
    this.details = details;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const validationError = (message: string, fieldErrors?: FieldErrors) =>
  new DomainError("validation", message, fieldErrors);
export const fieldError = (field: string, message: string, code: DomainErrorCode = "validation") =>
  new DomainError(code, message, { [field]: message });
export const forbidden = (message = "You do not have permission to do this.") => new DomainError("forbidden", message);
export const notFound = (message = "The user does not exist or you cannot see it.") =>
  new DomainError("not_found", message);
export const unauthorized = (message = "Sign in to continue.") => new DomainError("unauthorized", message);

export function fromZodError(error: z.ZodError): DomainError {
  const fieldErrors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.map(String).join(".") : "_form";
    fieldErrors[field] ??= issue.message;
  }
  const fields = Object.keys(fieldErrors);
  const message =
    fields.length === 1
      ? fields[0] === "_form"
        ? fieldErrors._form
        : `${fields[0]}: ${fieldErrors[fields[0]]}`
      : `The request has ${fields.length} invalid fields: ${fields.join(", ")}.`;
  return validationError(message, fieldErrors);
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

const UNIQUE_FIELD_MESSAGES: Record<string, [string, string]> = {
  email: ["email", "A user with this email already exists in this connection."],
  username: ["username", "This username is already taken in this connection."],
};

interface PostgresError {
  code?: string;
  constraint?: string;
  message?: string;
  detail?: string;
}

const describeUniqueViolation = (error: PostgresError) => `${error.constraint ?? ""} ${error.message ?? ""} ${error.detail ?? ""}`;

/**
 * The unique-violation target of a database error: P2002 from Prisma's PostgreSQL adapter, the raw
 * PostgreSQL error (SQLSTATE 23505) that the PGlite adapter passes through as its cause, or that
 * error itself from a statement run outside Prisma (`Database.query`).
 */
function uniqueViolationTarget(error: unknown): string | null {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    return JSON.stringify(error.meta ?? {});
  }
  // A raw statement run through Prisma ($queryRaw): the adapter's error is in meta, as PGlite's adapter passes
  // PostgreSQL's error (code 23505) or as the pg adapter's UniqueConstraintViolation (originalCode 23505).
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2010") {
    const adapterCause = (error.meta as { driverAdapterError?: { cause?: PostgresError & { originalCode?: string } } } | undefined)?.driverAdapterError?.cause;
    if (adapterCause && (adapterCause.code === "23505" || adapterCause.originalCode === "23505")) return JSON.stringify(adapterCause);
  }
  const cause = (error as { name?: string; cause?: PostgresError } | null)?.cause;
  if ((error as Error | null)?.name === "DriverAdapterError" && cause?.code === "23505") return describeUniqueViolation(cause);
  if ((error as PostgresError | null)?.code === "23505") return describeUniqueViolation(error as PostgresError);
  return null;
}

/** Known database errors become domain errors; anything else is rethrown untouched. */
export function mapPrismaError(error: unknown): never {
  const target = uniqueViolationTarget(error);
  if (target !== null) {
    for (const [column, [field, message]] of Object.entries(UNIQUE_FIELD_MESSAGES)) {
      if (target.includes(column)) throw fieldError(field, message, "conflict");
    }
    throw new DomainError("conflict", "This record already exists.");
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") {
    throw notFound("The record does not exist or was removed meanwhile.");
  }
  throw error;
}
