import { apiUser } from "@/lib/account/account-state";
import { apiRoute, readJson } from "@/lib/api/handler";
import { updateUserSchema } from "@/lib/schemas/user";
import { deleteUser } from "@/lib/users/delete-user";
import { getVersionedUser } from "@/lib/users/get-user";
import { updateVersionedUser } from "@/lib/users/update-user";
import { userEtag, versionsFromIfMatch } from "@/lib/users/user-version";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ actor, params }) => {
  const { user, version } = await getVersionedUser(actor, params.id);
  return Response.json(await apiUser(user), { headers: { ETag: userEtag(version) } });
});

export const PATCH = apiRoute<Params>(async ({ actor, request, params }) => {
  const expected = versionsFromIfMatch(request.headers.get("if-match"));
  const { user, version } = await updateVersionedUser(actor, params.id, await readJson(request, updateUserSchema), expected);
  return Response.json(await apiUser(user), { headers: { ETag: userEtag(version) } });
});

export const DELETE = apiRoute<Params>(async ({ actor, request, params }) => {
  await deleteUser(actor, params.id, versionsFromIfMatch(request.headers.get("if-match")));
  return new Response(null, { status: 204 });
});
