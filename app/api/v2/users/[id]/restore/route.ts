import { apiUser } from "@/lib/account/account-state";
import { apiRoute } from "@/lib/api/handler";
import { restoreUser } from "@/lib/users/deleted-users";

/** Restores a deleted user within the restore window (Administrators): 200 with the user, 404, or 409 when its email/username was taken. */
export const POST = apiRoute<{ id: string }>(async ({ actor, params }) => {
  return Response.json(await apiUser(await restoreUser(actor, params.id)));
});
