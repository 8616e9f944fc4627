import { apiRoute, readJson } from "@/lib/api/handler";
import { updateUserSchema } from "@/lib/schemas/user";
import { deleteUser } from "@/lib/users/delete-user";
import { getUser } from "@/lib/users/get-user";
import { updateUser } from "@/lib/users/update-user";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ actor, params }) => Response.json(await getUser(actor, params.id)));

export const PATCH = apiRoute<Params>(async ({ actor, request, params }) =>
  Response.json(await updateUser(actor, params.id, await readJson(request, updateUserSchema))),
);

export const DELETE = apiRoute<Params>(async ({ actor, params }) => {
  await deleteUser(actor, params.id);
  return new Response(null, { status: 204 });
});
