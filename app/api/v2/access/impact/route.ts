import { previewImpact } from "@/lib/access/impact-preview";
import { apiRoute, readJson } from "@/lib/api/handler";
import { impactPreviewSchema } from "@/lib/schemas/impact";

/** What deploying a hook draft would change for each admin (Administrators); runs the hooks, writes nothing. */
export const POST = apiRoute(async ({ actor, request }) => {
  return Response.json(await previewImpact(actor, await readJson(request, impactPreviewSchema)));
});
