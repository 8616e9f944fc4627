"use server";

import { evaluateAccessByEmail } from "@/lib/access/evaluate-access";
import { evaluateAccessFormSchema } from "@/lib/schemas/access";
import { adminAction } from "./safe-action";

/** The hook editor's "Evaluate with this draft": the evaluation page's checks, with the editor's code. */
export const evaluateAccessAction = adminAction(evaluateAccessFormSchema, (actor, input) => evaluateAccessByEmail(actor, input));
