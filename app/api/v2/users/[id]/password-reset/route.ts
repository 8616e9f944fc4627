import { sendPasswordResetEmail } from "@/lib/account/admin-links";
import { apiRoute } from "@/lib/api/handler";

export const POST = apiRoute<{ id: string }>(async ({ actor, params }) => {
  await sendPasswordResetEmail(actor, params.id);
  return new Response(null, { status: 204 });
});
