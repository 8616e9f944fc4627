"use server";

import { z } from "zod";
import { resendInvitation, revokeInvitation, sendPasswordResetEmail, sendVerificationEmail } from "@/lib/account/admin-links";
import { adminAction } from "./safe-action";

const target = z.object({ user_id: z.string({ error: "Say which user." }).min(1, "Say which user.") });

export const sendPasswordResetAction = adminAction(target, async (actor, { user_id }) => {
  await sendPasswordResetEmail(actor, user_id);
  return null;
});

export const sendVerificationEmailAction = adminAction(target, async (actor, { user_id }) => {
  await sendVerificationEmail(actor, user_id);
  return null;
});

export const resendInvitationAction = adminAction(target, async (actor, { user_id }) => {
  await resendInvitation(actor, user_id);
  return null;
});

export const revokeInvitationAction = adminAction(target, async (actor, { user_id }) => {
  await revokeInvitation(actor, user_id);
  return null;
});
