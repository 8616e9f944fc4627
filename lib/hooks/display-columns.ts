import type { Actor } from "@/lib/auth/actor";
import type { UserProfile } from "@/lib/users/profile";
import type { ConsoleSettings } from "./console-settings";
import { auth0User } from "./context";
import type { FieldView } from "./user-field-views";
import { runHookOnThread } from "./sandbox-threads";

export interface DisplayedColumns {
  /** The text of each cell a `display` function produced: cells[userId][property]. */
  cells: Record<string, Record<string, string>>;
  /** The first failure of a display function, for the page to show; its cells show the stored value. */
  error: string | null;
}

const MAX_CELL_CHARS = 500;

/**
 * Runs the `display` functions (strings, as DAE's Settings results carry them) of the list's columns or
 * the user page's rows in the sandbox on the server, all users and fields in one run:
 * `display(user, values, languageDictionary)` with DAE's arguments (`values` is lodash's
 * `_.at(user, property)`, an array). Never evaluated in the browser.
 */
export async function displayColumns(
  actor: Actor,
  settings: ConsoleSettings,
  views: FieldView[],
  users: UserProfile[],
): Promise<DisplayedColumns> {
  const columns = views.filter((view) => view.display !== undefined);
  if (columns.length === 0 || users.length === 0) return { cells: {}, error: null };
  const functions = columns.map((field) => `${JSON.stringify(field.property)}: (${String(field.display).trim().replace(/;+\s*$/, "")})`).join(",\n");
  const run = await runHookOnThread({
    hookName: "Settings Query Hook display function",
    code: `function (batch, done) {
  var displays = {
${functions}
  };
  var dictionary = batch.languageDictionary || {};
  function at(user, path) {
    var value = path.split('.').reduce(function (node, key) { return node && typeof node === 'object' ? node[key] : undefined; }, user);
    return [value];
  }
  var failure = null;
  var cells = {};
  batch.users.forEach(function (user) {
    cells[user.user_id] = {};
    Object.keys(displays).forEach(function (property) {
      try {
        var shown = displays[property](user, at(user, property), dictionary, {});
        if (shown !== undefined && shown !== null) cells[user.user_id][property] = String(shown).slice(0, ${MAX_CELL_CHARS});
      } catch (error) {
        failure = failure || property + ': ' + (error && error.message !== undefined ? error.message : String(error));
      }
    });
  });
  done(null, { cells: cells, failure: failure });
}`,
    args: [{ users: users.map(auth0User), languageDictionary: typeof settings.languageDictionary === "object" ? settings.languageDictionary : {} }],
    timeoutMs: 1_000,
  }, actor.id);
  if (!run.ok) return { cells: {}, error: run.error?.message ?? "The display functions failed." };
  const result = run.result as { cells?: Record<string, Record<string, string>>; failure?: string | null } | undefined;
  return { cells: result?.cells ?? {}, error: result?.failure ? `The display function of ${result.failure}` : null };
}
