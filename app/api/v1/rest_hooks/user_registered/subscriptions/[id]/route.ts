import { apiRoute } from "@/lib/api/handler";
import { deleteRestHookSubscription } from "@/lib/rest-hooks/delete-subscription";

/** Seed 002: 204 when removed, 404 when there is no such subscription. */
export const DELETE = apiRoute<{ id: string }>(async ({ actor, params }) => {
  await deleteRestHookSubscription(actor, params.id);
  return new Response(null, { status: 204 });
});
