import { apiRoute } from "@/lib/api/handler";
import { rotateClientSecret } from "@/lib/applications/applications";

type Params = { id: string };

export const POST = apiRoute<Params>(async ({ actor, params }) => Response.json(await rotateClientSecret(actor, params.id)));
