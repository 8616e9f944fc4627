"use server";

import { z } from "zod";
import { createUserFormSchema, updateUserSchema } from "@/lib/schemas/user";
import { createUser } from "@/lib/users/create-user";
import { signOutEverywhere } from "@/lib/oidc/revoke";
import { deleteUser } from "@/lib/users/delete-user";
import { restoreUser } from "@/lib/users/deleted-users";
import { fieldsNotKept } from "@/lib/users/fields-not-kept";
import { updateUser } from "@/lib/users/update-user";
import { adminAction } from "./safe-action";

const userIdSchema = z.string({ error: "Say which user." }).min(1, "Say which user.");

export const createUserAction = adminAction(createUserFormSchema, async (actor, { repeatPassword: _, ...input }) => {
  const user = await createUser(actor, input);
  return { user_id: user.user_id, not_kept: fieldsNotKept(input, user) };
});

export const updateUserAction = adminAction(
  z.object({
    user_id: userIdSchema,
    changes: updateUserSchema,
    /** The version the edit form was loaded at: a stale form is refused rather than saved over a newer change. */
    version: z.number().int().min(0).optional(),
  }),
  async (actor, { user_id, changes, version }) => {
    const user = await updateUser(actor, user_id, changes, version === undefined ? undefined : [version]);
    return { not_kept: fieldsNotKept(changes, user) };
  },
);

export const deleteUserAction = adminAction(z.object({ user_id: userIdSchema }), async (actor, { user_id }) => {
  await deleteUser(actor, user_id);
  return null;
});

export const restoreUserAction = adminAction(z.object({ user_id: userIdSchema }), async (actor, { user_id }) => {
  const user = await restoreUser(actor, user_id);
  return { email: user.email };
});

export const signOutEverywhereAction = adminAction(z.object({ user_id: userIdSchema }), async (actor, { user_id }) => {
  return signOutEverywhere(actor, user_id);
});
