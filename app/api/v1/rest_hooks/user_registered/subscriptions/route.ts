import { apiRoute } from "@/lib/api/handler";
import { readSubscriptionRequest } from "@/lib/rest-hooks/api";
import { createRestHookSubscription } from "@/lib/rest-hooks/create-subscription";

/** Seed 002: `Authorization: Token token=<API token>`, `{ url, authorization_token? }` → 201 `{ "id": "<id>" }`. */
export const POST = apiRoute(async ({ actor, request }) => {
  const subscription = await createRestHookSubscription(actor, await readSubscriptionRequest(request));
  return Response.json({ id: subscription.id }, { status: 201 });
});
