import { sendVerificationEmail } from "@/lib/account/admin-links";
import { apiRoute, readJson } from "@/lib/api/handler";
import { verificationEmailJobSchema } from "@/lib/schemas/account";

/** Auth0's job shape: the mail is queued for the delivery worker; `id` is the mail's id. */
export const POST = apiRoute(async ({ actor, request }) => {
  const { user_id } = await readJson(request, verificationEmailJobSchema);
  const issued = await sendVerificationEmail(actor, user_id);
  return Response.json(
    { type: "verification_email", status: "pending", created_at: new Date().toISOString(), id: issued.mailId },
    { status: 201 },
  );
});
