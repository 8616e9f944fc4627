"use server";

import { z } from "zod";
import { requirePermission } from "@/lib/auth/actor";
import { getHookWithVersions } from "@/lib/hooks/manage/list-hooks";
import { restoreHookVersion } from "@/lib/hooks/manage/restore-hook-version";
import { runHookDraft } from "@/lib/hooks/manage/run-hook-draft";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { setHookEnabled } from "@/lib/hooks/manage/set-hook-enabled";
import { checkHookSyntax } from "@/lib/hooks/sandbox";
import {
  HOOK_CODE_MAX_CHARS,
  restoreHookVersionSchema,
  runHookDraftSchema,
  saveHookSchema,
  setHookEnabledSchema,
} from "@/lib/schemas/hook";
import { adminAction } from "./safe-action";

export const saveHookAction = adminAction(saveHookSchema, (actor, input) => saveHook(actor, input));

/** Restores a version and answers with the hook as it now is, for the editor to show. */
export const restoreHookVersionAction = adminAction(restoreHookVersionSchema, async (actor, input) => {
  const { version } = await restoreHookVersion(actor, input);
  const { hook } = await getHookWithVersions(actor, input.kind);
  return { version, code: hook?.code ?? "", enabled: hook?.enabled ?? true, timeoutMs: hook?.timeoutMs ?? 500 };
});

export const setHookEnabledAction = adminAction(setHookEnabledSchema, (actor, input) => setHookEnabled(actor, input));

export const runHookDraftAction = adminAction(runHookDraftSchema, (actor, input) => runHookDraft(actor, input));

/** The editor's live syntax check: the sandbox's own compiler, so it agrees with what Save accepts. */
export const checkHookSyntaxAction = adminAction(
  z.object({ code: z.string().max(HOOK_CODE_MAX_CHARS, `A hook can be at most ${HOOK_CODE_MAX_CHARS / 1000} KB of code.`) }),
  async (actor, { code }) => {
    requirePermission(actor, "config:manage");
    return checkHookSyntax(code);
  },
);
