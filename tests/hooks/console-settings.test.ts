import { describe, expect, it } from "vitest";
import { metadataDiff, settingsHookResultSchema, stylesheetOrigins } from "@/lib/hooks/console-settings";
import { CONSOLE_TEXT_DEFAULTS, consoleTexts } from "@/lib/hooks/console-texts";
import { checkHookResult } from "@/lib/hooks/execute";
import { listColumns, profileRows } from "@/lib/hooks/user-field-views";
import { contentSecurityPolicy } from "@/lib/http/security-headers";

/** How the console applies a Settings Query Hook's result (DAE's `css`, `altcss`, `languageDictionary`, `userFields`). */

const settings = (result: unknown) => settingsHookResultSchema.parse(result);
const check = (result: unknown) => checkHookResult("settings", settingsHookResultSchema, result);

describe("the Settings Query Hook's result contract", () => {
  it.each([
    [{ languageDictionary: { usersTitle: 5 } }, "at languageDictionary.usersTitle"],
    [{ languageDictionary: { labels: { "user_metadata.title": ["Title"] } } }, 'at languageDictionary.labels.user_metadata.title'],
    [{ userFields: [{ property: "name", search: "yes" }] }, "at userFields.0.search"],
    [{ userFields: [{ property: "name", display: 1 }] }, "at userFields.0.display"],
    [{ dict: { logoutUrl: "javascript:alert(1)" } }, "at dict.logoutUrl: logoutUrl must be an http(s) URL"],
    [{ css: 12 }, "at css"],
  ])("refuses %j with a message naming where (%s)", (result, where) => {
    const checked = check(result);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? "" : checked.message).toContain(`Settings Query Hook returned an invalid result ${where}`);
  });

  it("accepts DAE's keys it does not apply, and null where DAE's console tolerates it", () => {
    const checked = check({
      languageDictionary: { usersTitle: null, noDevicesMessage: "Aucun appareil", errors: { blocked: "Bloqué" } },
      userFields: [{ property: "email", display: null, search: null }],
      css: null,
      altcss: false,
    });
    expect(checked.ok).toBe(true);
  });
});

describe("console texts (languageDictionary)", () => {
  it("uses the dictionary's non-empty texts and the defaults for the rest, as DAE's `||`", () => {
    const texts = consoleTexts({ usersTitle: "Utilisateurs", createUserButtonText: "", logoutMenuItemText: null, labels: { email: "Courriel" } });
    expect(texts.usersTitle).toBe("Utilisateurs");
    expect(texts.createUserButtonText).toBe("Create user");
    expect(texts.logoutMenuItemText).toBe("Sign out");
    // A URL is set aside for the page to fetch (tests/hooks/page-settings.test.ts); other strings stand for no dictionary.
    const fromUrl = settings({ languageDictionary: " https://cdn.example.com/fr.json" });
    expect([fromUrl.languageDictionary, fromUrl.languageDictionaryUrl]).toEqual([undefined, "https://cdn.example.com/fr.json"]);
    expect(consoleTexts(settings({ languageDictionary: "fr" }).languageDictionary)).toEqual(CONSOLE_TEXT_DEFAULTS);
    expect(settings({ languageDictionary: "fr" }).languageDictionaryUrl).toBeUndefined();
    expect(consoleTexts(undefined)).toEqual(CONSOLE_TEXT_DEFAULTS);
  });

  it("lets a page replace a default (the users heading is dict.title) but never the dictionary's own text", () => {
    expect(consoleTexts({}, { usersTitle: "Finance admin" }).usersTitle).toBe("Finance admin");
    expect(consoleTexts({ usersTitle: "Utilisateurs" }, { usersTitle: "Finance admin" }).usersTitle).toBe("Utilisateurs");
  });
});

describe("stylesheet origins for the Content-Security-Policy", () => {
  it("are the origins of the css and altcss URLs, each once", () => {
    expect(stylesheetOrigins(settings({ css: "https://cdn.example.com/a.css", altcss: "https://alt.example.org:8443/b/c.css?v=2" }))).toEqual([
      "https://cdn.example.com",
      "https://alt.example.org:8443",
    ]);
    expect(stylesheetOrigins(settings({ css: "https://cdn.example.com/a.css", altcss: "https://cdn.example.com/b.css" }))).toEqual([
      "https://cdn.example.com",
    ]);
    expect(stylesheetOrigins(settings({ css: "http://127.0.0.1:3332/dev.css" }))).toEqual(["http://127.0.0.1:3332"]);
  });

  it("are none for CSS text, false, nothing, or a plain-http address that is not local", () => {
    for (const result of [{ css: "body { color: red }" }, { css: false, altcss: null }, {}, { css: "http://cdn.example.com/a.css" }]) {
      expect(stylesheetOrigins(settings(result))).toEqual([]);
    }
  });

  it("are added to style-src and nowhere else", () => {
    const policy = contentSecurityPolicy("bm9uY2U=", { development: false, styleOrigins: ["https://cdn.example.com"] });
    const directives = policy.split("; ");
    expect(directives.find((directive) => directive.startsWith("style-src "))).toBe("style-src 'self' 'unsafe-inline' https://cdn.example.com");
    expect(directives.filter((directive) => directive.includes("cdn.example.com"))).toHaveLength(1);
    expect(contentSecurityPolicy("bm9uY2U=", { development: false }).split("; ")).toContain("style-src 'self' 'unsafe-inline'");
  });
});

describe("user fields in the users list (search) and on the user's page (display), as DAE's console", () => {
  const fields = settings({
    languageDictionary: { labels: { "user_metadata.code": "Code interne" } },
    userFields: [
      { property: "name", search: false, display: false },
      { property: "connection", search: { label: "Directory", listOrder: 1 } },
      { property: "user_metadata.title", label: "Title", search: true, display: "(user) => user.name" },
      { property: "user_metadata.code", label: "Code", search: { listOrder: 2, display: "(user, value) => value[0]" }, display: true },
      { property: "user_metadata.hidden", search: { display: false } },
      { property: "logins_count", display: false },
    ],
  });

  it("list: `search: false` hides a column, a `search` column of a default's property replaces it, objects order and override", () => {
    const { columns, hidden } = listColumns(fields);
    expect([...hidden].sort()).toEqual(["connection", "name"]);
    expect(columns).toEqual([
      { property: "connection", label: "Directory", display: undefined },
      { property: "user_metadata.code", label: "Code interne", display: "(user, value) => value[0]" },
      { property: "user_metadata.title", label: "Title", display: "(user) => user.name" },
    ]);
  });

  it("user page: a truthy `display` is a row (a function computes it), `display: false` hides the row", () => {
    const { rows, hidden } = profileRows(fields);
    expect([...hidden].sort()).toEqual(["logins_count", "name"]);
    expect(rows).toEqual([
      { property: "user_metadata.title", label: "Title", display: "(user) => user.name" },
      { property: "user_metadata.code", label: "Code interne", display: undefined },
    ]);
  });
});

describe("metadataDiff (what an edit changes, for the declared-path check)", () => {
  it("keeps only changed paths, removed keys as null", () => {
    const current = { profile: { department: "Finance", salary: 1 }, plan: "gold", tags: ["a"] };
    expect(metadataDiff(current, { profile: { department: "HR", salary: 1 }, plan: "gold", tags: ["a"] })).toEqual({ profile: { department: "HR" } });
    expect(metadataDiff(current, { profile: { department: "Finance" }, tags: ["a", "b"] })).toEqual({ profile: { salary: null }, plan: null, tags: ["a", "b"] });
    expect(metadataDiff(current, current)).toEqual({});
    expect(metadataDiff({ profile: "x" }, { profile: { department: "HR" } })).toEqual({ profile: { department: "HR" } });
  });
});
