import { apiRoute, readJson } from "@/lib/api/handler";
import { createApplication, listApplications } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/schemas/application";

export const GET = apiRoute(async ({ actor }) => Response.json(await listApplications(actor)));

export const POST = apiRoute(async ({ actor, request }) => {
  const app = await createApplication(actor, await readJson(request, createApplicationSchema));
  return Response.json(app, { status: 201, headers: { Location: `/api/v2/clients/${app.client_id}` } });
});
