import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { getSessionActor } from "@/lib/auth/session";
import { translateErrorMessage } from "@/lib/hooks/error-translator";
import { DomainError, parseInput, unauthorized, type DomainErrorCode, type FieldErrors } from "@/lib/errors";

export interface ActionError {
  code: DomainErrorCode | "internal";
  status: number;
  message: string;
  fieldErrors?: FieldErrors;
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

export function toActionError(error: unknown): ActionError {
  if (error instanceof DomainError) {
    return { code: error.code, status: error.status, message: error.message, fieldErrors: error.fieldErrors };
  }
  console.error("Unexpected error in a server action:", error);
  return { code: "internal", status: 500, message: "Something went wrong on the server. Try again; if it persists, check the server log." };
}

/**
 * The one way the console's server actions are written: the session is checked and the input is
 * validated with the same zod schema the API uses, on the server, before the domain function runs.
 * Expected errors come back as data for the form; the role checks live in the domain functions.
 */
export function adminAction<S extends z.ZodType, R>(
  schema: S,
  handler: (actor: Actor, input: z.output<S>) => Promise<R>,
): (input: z.input<S>) => Promise<ActionResult<R>> {
  return async (input) => {
    let actor: Actor | null = null;
    try {
      actor = await getSessionActor();
      if (!actor) throw unauthorized("Your session has ended. Sign in again.");
      const data = parseInput(schema, input);
      return { ok: true, data: await handler(actor, data) };
    } catch (error) {
      const actionError = toActionError(error);
      // The Settings Query Hook's errorTranslator words the messages of expected errors, as in DAE's console.
      if (actor && error instanceof DomainError) {
        const original = actionError.message;
        actionError.message = await translateErrorMessage(actor, original);
        // A hook's error shown on the field it names is the same message: worded alike there.
        for (const [field, message] of Object.entries(actionError.fieldErrors ?? {})) {
          if (message === original) actionError.fieldErrors![field] = actionError.message;
        }
      }
      return { ok: false, error: actionError };
    }
  };
}
