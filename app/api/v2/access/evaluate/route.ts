import { evaluateAccess } from "@/lib/access/evaluate-access";
import { apiRoute, readJson } from "@/lib/api/handler";
import { evaluateAccessSchema } from "@/lib/schemas/access";

/** Why an admin may or may not act on a user (Administrators, Auditors); runs the checks, writes nothing. */
export const POST = apiRoute(async ({ actor, request }) => {
  return Response.json(await evaluateAccess(actor, await readJson(request, evaluateAccessSchema)));
});
