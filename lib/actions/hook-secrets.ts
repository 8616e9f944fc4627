"use server";

import { z } from "zod";
import { postRegistrationSettingsSchema, updatePostRegistrationSettings } from "@/lib/hooks/post-registration-settings";
import { deleteHookSecret, setHookSecret } from "@/lib/hooks/secrets";
import { deleteHookSecretSchema, setHookSecretSchema } from "@/lib/schemas/hook";
import { adminAction } from "./safe-action";

/** Adds a secret of the post-registration hook, or replaces the value of the one with this name. */
export const setHookSecretAction = adminAction(setHookSecretSchema, async (actor, input) => {
  await setHookSecret(actor, input);
  return { name: input.name };
});

export const deleteHookSecretAction = adminAction(deleteHookSecretSchema, async (actor, { name }) => {
  await deleteHookSecret(actor, name);
  return null;
});

/** The hosts the hook's fetch may reach, as the panel's textarea holds them: one per line or comma-separated. */
const allowedHostsTextSchema = z
  .string()
  .transform((text) =>
    text
      .split(/[\s,]+/)
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(postRegistrationSettingsSchema.shape.allowedHosts.unwrap());

export const updatePostRegistrationHostsAction = adminAction(
  z.object({ allowedHosts: allowedHostsTextSchema }),
  (actor, input) => updatePostRegistrationSettings(actor, input),
);
