import { z } from "zod";
import { emailSchema, textSchema } from "./common";

export const signInSchema = z.object({
  email: emailSchema,
  password: textSchema().min(1, "Enter your password.").max(200),
});
export type SignInInput = z.infer<typeof signInSchema>;
