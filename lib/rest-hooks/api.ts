import { DomainError, fromZodError, validationError } from "@/lib/errors";
import { createRestHookSubscriptionSchema, type CreateRestHookSubscriptionInput } from "@/lib/schemas/webhook";

/** Seed 002 answers 422 to an invalid subscription (bad or missing URL); a body that is not JSON is a 400. */
export async function readSubscriptionRequest(request: Request): Promise<CreateRestHookSubscriptionInput> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw validationError('The request body must be JSON, like {"url": "https://example.com/hook"}.');
  }
  const parsed = createRestHookSubscriptionSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const error = fromZodError(parsed.error);
    throw new DomainError("unprocessable", error.message, error.fieldErrors);
  }
  return parsed.data;
}
