import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { consoleSettingsForPage } from "./page-settings";
import { runHookOnThread } from "./sandbox-threads";

const MAX_MESSAGE_CHARS = 2_000;

/**
 * The Settings Query Hook's `errorTranslator` (a function string, as DAE's console gets it) applied to an
 * error message the console shows: `translate(message, languageDictionary)`, run in the sandbox on the
 * server. Anything but a non-empty string from it, or any failure, leaves the message as it is.
 */
export async function translateErrorMessage(actor: Actor, message: string): Promise<string> {
  let settings;
  try {
    settings = await consoleSettingsForPage(actor, null);
  } catch (error) {
    if (error instanceof DomainError) return message;
    throw error;
  }
  const source = settings.errorTranslator?.trim().replace(/;+\s*$/, "");
  if (!source) return message;
  const dictionary = typeof settings.languageDictionary === "object" && settings.languageDictionary ? settings.languageDictionary : {};
  const run = await runHookOnThread({
    hookName: "Settings Query Hook errorTranslator",
    code: `function (message, dictionary, callback) {
  var translate = (${source});
  var translated = translate(message, dictionary);
  callback(null, typeof translated === 'string' && translated ? translated : message);
}`,
    args: [message, dictionary],
    timeoutMs: 500,
  }, actor.id);
  return run.ok && typeof run.result === "string" ? run.result.slice(0, MAX_MESSAGE_CHARS) : message;
}
