"use server";

import { previewImpact } from "@/lib/access/impact-preview";
import { impactPreviewSchema } from "@/lib/schemas/impact";
import { adminAction } from "./safe-action";

/** The hook editor's Preview impact: what deploying the editor's code would change for each admin. */
export const previewImpactAction = adminAction(impactPreviewSchema, (actor, input) => previewImpact(actor, input));
