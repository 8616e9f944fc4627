import { createPasswordChangeTicket } from "@/lib/account/admin-links";
import { apiRoute, readJson } from "@/lib/api/handler";
import { passwordChangeTicketSchema } from "@/lib/schemas/account";

export const POST = apiRoute(async ({ actor, request }) => {
  const issued = await createPasswordChangeTicket(actor, await readJson(request, passwordChangeTicketSchema));
  return Response.json({ ticket: issued.url }, { status: 201 });
});
