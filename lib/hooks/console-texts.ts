import { z } from "zod";

/**
 * The console texts a Settings Query Hook's `languageDictionary` may replace: DAE's keys (as its console
 * reads them, `languageDictionary.<key> || default`) for the elements Delegate's console has, with
 * Delegate's own wording as the default. Keys of DAE's console that name an element Delegate does not
 * have (devices, MFA, the configuration page, …) are accepted and ignored (docs/hooks.md).
 */
export const CONSOLE_TEXT_DEFAULTS = {
  logoutMenuItemText: "Sign out",
  toggleStyleSetDefault: "Use default style",
  toggleStyleSetAlternative: "Use alternative style",
  usersTitle: "Users",
  createUserButtonText: "Create user",
  searchBarPlaceholder: "Email, name, username, or a query",
  userSearchNoResults: "No users match these filters.",
  createDialogTitle: "Create user",
  createButtonText: "Create user",
  cancelButtonText: "Cancel",
  savingText: "Saving…",
  changeProfileDialogTitle: "Edit user",
  updateButtonText: "Save",
  blockUserMenuItemText: "Block",
  blockDialogTitle: "Block this user?",
  unblockUserMenuItemText: "Unblock",
  deleteUserMenuItemText: "Delete",
  deleteDialogTitle: "Delete this user?",
} as const;

export type ConsoleTextKey = keyof typeof CONSOLE_TEXT_DEFAULTS;
export type ConsoleTexts = Record<ConsoleTextKey, string>;

const text = z.string().max(200).nullish();
const textShape = Object.fromEntries(Object.keys(CONSOLE_TEXT_DEFAULTS).map((key) => [key, text])) as Record<ConsoleTextKey, typeof text>;

/**
 * DAE's `languageDictionary`: an object (the texts above, `labels` naming user fields by property, and any
 * other keys for the hook's own `display` / `errorTranslator` functions), or a URL (accepted, not fetched:
 * it stands for an empty dictionary). Not a union, so that an invalid text is reported at its key.
 */
export const languageDictionarySchema = z.preprocess(
  (dictionary) => (typeof dictionary === "string" && dictionary.length <= 2_000 ? {} : dictionary),
  z.object({ ...textShape, labels: z.record(z.string(), z.string().max(100)).nullish() }).catchall(z.unknown()),
);
export type LanguageDictionary = z.infer<typeof languageDictionarySchema>;

/**
 * The console's texts for this Settings result: the dictionary's non-empty text, else the default (DAE's
 * `||`); `defaults` replaces some defaults (the users page's heading is `dict.title` when there is one).
 */
export function consoleTexts(
  dictionary: LanguageDictionary | null | undefined,
  defaults: Partial<Record<ConsoleTextKey, string | undefined>> = {},
): ConsoleTexts {
  const given: Partial<Record<ConsoleTextKey, string | null>> = dictionary && typeof dictionary === "object" ? dictionary : {};
  const entries = (Object.keys(CONSOLE_TEXT_DEFAULTS) as ConsoleTextKey[]).map((key) => [
    key,
    given[key] || defaults[key] || CONSOLE_TEXT_DEFAULTS[key],
  ]);
  return Object.fromEntries(entries) as ConsoleTexts;
}
