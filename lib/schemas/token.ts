import { z } from "zod";
import { textSchema } from "./common";

export const createApiTokenSchema = z.object({
  name: textSchema({ error: "Give the token a name." }).trim().min(1, "Give the token a name.").max(100, "The name must be at most 100 characters."),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;
