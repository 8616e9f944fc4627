import { apiUser, apiUserPage } from "@/lib/account/account-state";
import { apiRoute, readJson, readQuery } from "@/lib/api/handler";
import { createUserSchema, listUsersSchema } from "@/lib/schemas/user";
import { createUser } from "@/lib/users/create-user";
import { listUsers } from "@/lib/users/list-users";

export const GET = apiRoute(async ({ actor, request }) =>
  Response.json(await apiUserPage(await listUsers(actor, readQuery(request, listUsersSchema)))),
);

export const POST = apiRoute(async ({ actor, request }) => {
  const user = await createUser(actor, await readJson(request, createUserSchema));
  return Response.json(await apiUser(user), { status: 201, headers: { Location: `/api/v2/users/${user.user_id}` } });
});
