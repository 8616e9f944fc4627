import crypto from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import { getConsoleSettings, type ConsoleSettings } from "./console-settings";
import { hookRequest } from "./context";
import { currentEvaluation } from "./evaluation-scope";
import { loadActiveHook } from "./execute";
import { fetchLanguageDictionary } from "./language-dictionary-url";

/*
 * One Settings Query Hook run per page view, as DAE asks it once per page load. A console page is rendered
 * by the proxy (its Content-Security-Policy needs the stylesheet origins), the layout and the page, each
 * asking in turn: they share one run, keyed by the page view (the request's CSP nonce, lib/http/page-view.ts),
 * the deployed code and the hook's whole input (the admin's profile and the locale). Without a page view
 * (creating and updating users, tests) every call runs the hook.
 */

/** A page view is rendered within this; the entry is then dropped. */
const SHARED_FOR_MS = 30_000;
const KEPT_RUNS = 500;

export type PageConsoleSettings = ConsoleSettings & {
  /** Why a `languageDictionary` URL could not be used (the console keeps its default texts). */
  languageDictionaryProblem?: string;
};

const store = globalThis as unknown as { delegatePageSettings?: Map<string, { settings: Promise<PageConsoleSettings>; expires: number }> };
const runs = () => (store.delegatePageSettings ??= new Map());

async function settingsWithDictionary(actor: Actor, locale: string): Promise<PageConsoleSettings> {
  const settings = await getConsoleSettings(actor, locale);
  if (!settings.languageDictionaryUrl) return settings;
  const fetched = await fetchLanguageDictionary(settings.languageDictionaryUrl);
  if (fetched.ok) return { ...settings, languageDictionary: fetched.dictionary };
  return {
    ...settings,
    languageDictionaryProblem: `The Settings Query Hook's languageDictionary ${settings.languageDictionaryUrl} could not be used: ${fetched.problem}. The console shows its default texts.`,
  };
}

/**
 * The Settings Query Hook's answer for rendering a console page (the defaults without a hook), shared by the
 * proxy, layout and page of one page view; throws the hook's error as getConsoleSettings does.
 */
export async function consoleSettingsForPage(actor: Actor, pageView: string | null, locale = "en", now = Date.now()): Promise<PageConsoleSettings> {
  const hook = await loadActiveHook("settings");
  if (!hook || !pageView || currentEvaluation()) return settingsWithDictionary(actor, locale);
  const key = crypto.createHash("sha256").update(JSON.stringify([pageView, hook.code, hook.timeoutMs, hookRequest(actor), locale])).digest("base64url");
  const shared = runs();
  const kept = shared.get(key);
  if (kept && kept.expires > now) return kept.settings;
  for (const [oldKey, run] of shared) if (run.expires <= now || shared.size >= KEPT_RUNS) shared.delete(oldKey);
  const settings = settingsWithDictionary(actor, locale);
  shared.set(key, { settings, expires: now + SHARED_FOR_MS });
  return settings;
}
