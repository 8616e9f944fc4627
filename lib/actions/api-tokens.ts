"use server";

import { z } from "zod";
import { createApiTokenSchema } from "@/lib/schemas/token";
import { createApiToken, revokeApiToken } from "@/lib/tokens/api-tokens";
import { adminAction } from "./safe-action";

export const createApiTokenAction = adminAction(createApiTokenSchema, async (actor, input) => {
  const { token, summary } = await createApiToken(actor, input);
  return { token, name: summary.name };
});

export const revokeApiTokenAction = adminAction(
  z.object({ token_id: z.string().min(1, "Say which token.") }),
  async (actor, { token_id }) => {
    await revokeApiToken(actor, token_id);
    return null;
  },
);
