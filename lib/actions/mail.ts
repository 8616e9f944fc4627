"use server";

import { z } from "zod";
import { previewMailTemplate, resetMailTemplate, saveMailTemplate } from "@/lib/mail/manage";
import { MAIL_KINDS, mailTemplateSchema, saveMailTemplateSchema } from "@/lib/mail/templates";
import { adminAction } from "./safe-action";

export const previewMailTemplateAction = adminAction(mailTemplateSchema, async (actor, template) => previewMailTemplate(actor, template));

export const saveMailTemplateAction = adminAction(saveMailTemplateSchema, async (actor, input) => {
  await saveMailTemplate(actor, input);
  return null;
});

export const resetMailTemplateAction = adminAction(z.object({ kind: z.enum(MAIL_KINDS) }), async (actor, { kind }) => {
  await resetMailTemplate(actor, kind);
  return null;
});
