"use server";

import { z } from "zod";
import { createApplication, deleteApplication, rotateClientSecret, updateApplication } from "@/lib/applications/applications";
import { createApplicationSchema, updateApplicationSchema } from "@/lib/schemas/application";
import { adminAction } from "./safe-action";

const clientIdSchema = z.string({ error: "Say which application." }).min(1, "Say which application.");

export const createApplicationAction = adminAction(createApplicationSchema, async (actor, input) => {
  const app = await createApplication(actor, input);
  return { client_id: app.client_id, client_secret: app.client_secret ?? null, name: app.name };
});

export const updateApplicationAction = adminAction(
  z.object({ client_id: clientIdSchema, changes: updateApplicationSchema }),
  async (actor, { client_id, changes }) => {
    await updateApplication(actor, client_id, changes);
    return null;
  },
);

export const rotateClientSecretAction = adminAction(z.object({ client_id: clientIdSchema }), async (actor, { client_id }) => {
  const app = await rotateClientSecret(actor, client_id);
  return { client_secret: app.client_secret };
});

export const deleteApplicationAction = adminAction(z.object({ client_id: clientIdSchema }), async (actor, { client_id }) => {
  await deleteApplication(actor, client_id);
  return null;
});
