import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { consoleTexts } from "@/lib/hooks/console-texts";
import { DICTIONARY_MAX_BYTES, fetchLanguageDictionary, forgetLanguageDictionaries } from "@/lib/hooks/language-dictionary-url";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { consoleSettingsForPage } from "@/lib/hooks/page-settings";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 9: a Settings Query Hook's languageDictionary given as a URL is fetched (DAE fetches it in the
 * browser; Delegate on the server, through the outbound guard), and a console page view runs the hook once
 * (the proxy, the layout and the page share one run).
 */

// The dictionary server is on loopback, which the outbound guard refuses unless it is on the allowlist.
process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let server: http.Server;
let base = "";
const requests: string[] = [];
const bodies: Record<string, { status: number; body: string }> = {
  "/fr.json": { status: 200, body: JSON.stringify({ usersTitle: "Utilisateurs", createUserButtonText: "Créer", labels: { email: "Courriel" } }) },
  "/missing.json": { status: 404, body: "{}" },
  "/broken.json": { status: 200, body: "{ usersTitle: " },
  "/list.json": { status: 200, body: "[]" },
  "/bad-text.json": { status: 200, body: JSON.stringify({ usersTitle: 5 }) },
  // Exactly the limit, and one byte over it.
  "/at-limit.json": { status: 200, body: JSON.stringify({ usersTitle: "x", pad: "y".repeat(DICTIONARY_MAX_BYTES - 27) }) },
  "/over-limit.json": { status: 200, body: JSON.stringify({ usersTitle: "x", pad: "y".repeat(DICTIONARY_MAX_BYTES - 26) }) },
};

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    const answer = bodies[request.url ?? ""] ?? { status: 404, body: "" };
    response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db().prisma.hookVersion.deleteMany({ where: { kind: "settings" } });
  await db().prisma.hook.deleteMany({ where: { kind: "settings" } });
  clearAllMemos();
});

beforeEach(() => {
  requests.length = 0;
  forgetLanguageDictionaries();
});

async function deploySettingsHook(code: string) {
  await saveHook(admins.ian, { kind: "settings", enabled: true, timeoutMs: 10_000, code });
  clearAllMemos();
}

const settingsRuns = () => db().prisma.hookExecution.count({ where: { kind: "settings" } });

describe("a languageDictionary given as a URL", () => {
  it("is fetched and replaces the console texts", async () => {
    await deploySettingsHook(`function (ctx, cb) { cb(null, { languageDictionary: '${base}/fr.json', dict: { title: 'Finance' } }); }`);
    const settings = await consoleSettingsForPage(admins.kelly, null, "en");
    expect(settings.languageDictionaryProblem).toBeUndefined();
    expect(settings.dict.title).toBe("Finance");
    const texts = consoleTexts(settings.languageDictionary);
    expect([texts.usersTitle, texts.createUserButtonText, texts.cancelButtonText]).toEqual(["Utilisateurs", "Créer", "Cancel"]);
    expect(settings.languageDictionary?.labels).toEqual({ email: "Courriel" });
  });

  it.each([
    ["/missing.json", "it answered HTTP 404"],
    ["/broken.json", "it is not JSON"],
    ["/list.json", "it is not a JSON object"],
    ["/bad-text.json", "its usersTitle is invalid: Invalid input: expected string, received number"],
    ["/over-limit.json", "it is larger than 256 KB"],
  ])("that cannot be used (%s) leaves the default texts and says why, keeping the rest of the result", async (file, problem) => {
    await deploySettingsHook(`function (ctx, cb) { cb(null, { languageDictionary: '${base}${file}', dict: { title: 'Finance' } }); }`);
    const settings = await consoleSettingsForPage(admins.kelly, null, "en");
    expect(settings.languageDictionaryProblem).toBe(
      `The Settings Query Hook's languageDictionary ${base}${file} could not be used: ${problem}. The console shows its default texts.`,
    );
    expect(consoleTexts(settings.languageDictionary).usersTitle).toBe("Users");
    expect(settings.dict.title).toBe("Finance");
  });

  it("may be as large as the limit", async () => {
    const answer = await fetchLanguageDictionary(`${base}/at-limit.json`);
    expect(answer.ok && answer.dictionary.usersTitle).toBe("x");
  });

  it("is refused when it points at a private address not on the outbound allowlist", async () => {
    const answer = await fetchLanguageDictionary("http://10.255.255.1/fr.json");
    expect(answer.ok ? "fetched" : answer.problem).toMatch(/10\.255\.255\.1/);
    expect(requests).toEqual([]);
  });

  it("is fetched once a minute when it answers, every ten seconds when it fails", async () => {
    const start = Date.parse("2026-12-07T10:00:00Z");
    await fetchLanguageDictionary(`${base}/fr.json`, start);
    await fetchLanguageDictionary(`${base}/fr.json`, start + 59_999);
    expect(requests).toEqual(["/fr.json"]);
    await fetchLanguageDictionary(`${base}/fr.json`, start + 60_000);
    expect(requests).toEqual(["/fr.json", "/fr.json"]);

    await fetchLanguageDictionary(`${base}/missing.json`, start);
    await fetchLanguageDictionary(`${base}/missing.json`, start + 9_999);
    expect(requests.filter((url) => url === "/missing.json")).toHaveLength(1);
    await fetchLanguageDictionary(`${base}/missing.json`, start + 10_000);
    expect(requests.filter((url) => url === "/missing.json")).toHaveLength(2);
  });
});

describe("one Settings Query Hook run per page view", () => {
  // A run that logs is recorded on the Hooks page: one row per run.
  const loggingHook = (title: string) => `function (ctx, cb) { console.log('settings for', ctx.request.user.email); cb(null, { dict: { title: '${title}' } }); }`;

  it("is shared by the proxy, the layout and the page of one page view, and not by the next one", async () => {
    await deploySettingsHook(loggingHook("One"));
    const start = Date.parse("2026-12-07T11:00:00Z");
    const before = await settingsRuns();
    const [a, b, c] = await Promise.all([0, 1, 29_999].map((later) => consoleSettingsForPage(admins.kelly, "view-1", "en", start + later)));
    expect([a.dict.title, b.dict.title, c.dict.title]).toEqual(["One", "One", "One"]);
    expect((await settingsRuns()) - before).toBe(1);
    await consoleSettingsForPage(admins.kelly, "view-2", "en", start + 2);
    expect((await settingsRuns()) - before).toBe(2);
    // A page view is over after 30 s: its entry is gone.
    await consoleSettingsForPage(admins.kelly, "view-1", "en", start + 30_000);
    expect((await settingsRuns()) - before).toBe(3);
  });

  it("is not shared without a page view, between admins, nor across a deploy", async () => {
    await deploySettingsHook(loggingHook("Two"));
    const start = Date.parse("2026-12-07T12:00:00Z");
    const before = await settingsRuns();
    await consoleSettingsForPage(admins.kelly, null, "en", start);
    await consoleSettingsForPage(admins.kelly, null, "en", start);
    expect((await settingsRuns()) - before).toBe(2);
    await consoleSettingsForPage(admins.kelly, "view-3", "en", start);
    await consoleSettingsForPage(admins.olga, "view-3", "en", start);
    expect((await settingsRuns()) - before).toBe(4);
    await deploySettingsHook(loggingHook("Three"));
    expect((await consoleSettingsForPage(admins.kelly, "view-3", "en", start + 1)).dict.title).toBe("Three");
    expect((await settingsRuns()) - before).toBe(5);
  });
});
