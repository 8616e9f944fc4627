import { resendInvitation, revokeInvitation } from "@/lib/account/admin-links";
import { apiRoute } from "@/lib/api/handler";

type Params = { id: string };

export const POST = apiRoute<Params>(async ({ actor, params }) => {
  const issued = await resendInvitation(actor, params.id);
  return Response.json({ user_id: params.id, expires_at: issued.expiresAt.toISOString() }, { status: 201 });
});

export const DELETE = apiRoute<Params>(async ({ actor, params }) => {
  await revokeInvitation(actor, params.id);
  return new Response(null, { status: 204 });
});
