import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteApplication, getApplication, updateApplication } from "@/lib/applications/applications";
import { updateApplicationSchema } from "@/lib/schemas/application";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ actor, params }) => Response.json(await getApplication(actor, params.id)));

export const PATCH = apiRoute<Params>(async ({ actor, request, params }) =>
  Response.json(await updateApplication(actor, params.id, await readJson(request, updateApplicationSchema))),
);

export const DELETE = apiRoute<Params>(async ({ actor, params }) => {
  await deleteApplication(actor, params.id);
  return new Response(null, { status: 204 });
});
