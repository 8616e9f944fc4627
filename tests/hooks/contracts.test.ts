import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { membershipsHookResultSchema } from "@/lib/departments/memberships";
import { settingsHookResultSchema } from "@/lib/hooks/console-settings";
import {
  HOOK_STARTER_CODE,
  hookDeclarations,
  hookTypeAnnotation,
  sampleHookContext,
  sampleHookContextJson,
} from "@/lib/hooks/contracts";
import { DEMO_HOOKS } from "@/lib/hooks/demo-hooks";
import { HOOK_KINDS, HOOK_NAMES, type HookKind } from "@/lib/hooks/kinds";
import { runHook } from "@/lib/hooks/sandbox";
import { filterHookResultSchema } from "@/lib/hooks/user-filter";
import { writeHookCreateResultSchema } from "@/lib/hooks/write-hook";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

const sampleFor = (kind: HookKind, admin: DemoAdmin = "ian") =>
  JSON.parse(sampleHookContextJson(kind, { admin: admins[admin].profile, connection: DEMO_CONNECTION })) as unknown;

/** How the console calls each kind: `(ctx, callback)`, or `(user, context, cb)` after a registration. */
function argsFor(kind: HookKind, sample: unknown): unknown[] {
  if (kind !== "post_registration") return [sample];
  const { user, context } = sample as { user: unknown; context: unknown };
  return [user, context];
}

/** Each kind's result, validated as the console validates it. */
const RESULT_SCHEMAS = {
  write: writeHookCreateResultSchema,
  filter: filterHookResultSchema,
  memberships: membershipsHookResultSchema,
  settings: settingsHookResultSchema,
} as const;

/** A TypeScript language service over the declarations of one kind and one JavaScript file. */
function languageService(kind: HookKind, files: Record<string, string>) {
  const all: Record<string, string> = { "/hook-contract.d.ts": hookDeclarations(kind), ...files };
  const options: ts.CompilerOptions = {
    allowJs: true,
    checkJs: false,
    strict: true,
    target: ts.ScriptTarget.ES2020,
    lib: ["lib.es2020.d.ts"],
  };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => Object.keys(all),
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      const text = all[name] ?? ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => "/",
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name in all || ts.sys.fileExists(name),
    readFile: (name) => all[name] ?? ts.sys.readFile(name),
  };
  return ts.createLanguageService(host);
}

const CONTEXT_TYPES: Record<HookKind, string> = {
  write: "Delegate.WriteContext",
  filter: "Delegate.FilterContext",
  access: "Delegate.AccessContext",
  memberships: "Delegate.MembershipsContext",
  settings: "Delegate.SettingsContext",
  post_registration: "{ user: Delegate.RegisteredUser; context: Delegate.RegistrationContext }",
};

describe.each(HOOK_KINDS)("the %s hook's contract", (kind) => {
  it("has declarations that compile, and types the hook's first parameter in the editor", () => {
    const code = `${hookTypeAnnotation(kind)}\n${HOOK_STARTER_CODE[kind]}`;
    const service = languageService(kind, { "/hook.js": code });
    const problems = service.getSemanticDiagnostics("/hook-contract.d.ts").concat(service.getSyntacticDiagnostics("/hook-contract.d.ts"));
    expect(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);

    const parameter = kind === "post_registration" ? "user" : "ctx";
    const info = service.getQuickInfoAtPosition("/hook.js", code.indexOf(`(${parameter}`) + 1);
    const shown = ts.displayPartsToString(info?.displayParts);
    expect(shown).toMatch(new RegExp(`^\\(parameter\\) ${parameter}: Delegate\\.`));
  });

  it("has a sample context that is JSON of the declared shape", () => {
    const json = sampleHookContextJson(kind, { admin: admins.ian.profile, connection: DEMO_CONNECTION });
    expect(JSON.parse(json)).toEqual(sampleHookContext(kind, { admin: admins.ian.profile, connection: DEMO_CONNECTION }));
    // `log`, `read`, `write` and `global` are the sandbox's, not data.
    const check = `const sample: Omit<${CONTEXT_TYPES[kind]}, "log" | "read" | "write" | "global"> = ${json};\nexport {};\n`;
    const service = languageService(kind, { "/sample.ts": check });
    const problems = service.getSemanticDiagnostics("/sample.ts").map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
  });

  it("has a sample context that the demo hook (or the starter code) accepts", async () => {
    const sample = sampleFor(kind);
    const run = await runHook({ hookName: HOOK_NAMES[kind], code: DEMO_HOOKS[kind] ?? HOOK_STARTER_CODE[kind], args: argsFor(kind, sample) });
    expect(run.error?.message).toBeUndefined();
    expect(run.ok).toBe(true);
    const schema = RESULT_SCHEMAS[kind as keyof typeof RESULT_SCHEMAS];
    if (schema) expect(schema.safeParse(run.result).success).toBe(true);
  });

  it("has starter code that runs with the sample context", async () => {
    const run = await runHook({ hookName: HOOK_NAMES[kind], code: HOOK_STARTER_CODE[kind], args: argsFor(kind, sampleFor(kind)) });
    expect(run.error?.message).toBeUndefined();
    const schema = RESULT_SCHEMAS[kind as keyof typeof RESULT_SCHEMAS];
    if (schema) expect(schema.safeParse(run.result).success).toBe(true);
  });
});

describe("the samples, run by the demo hooks for the demo admins", () => {
  it("the demo Write Hook creates the sample user in Ian's department (IT)", async () => {
    const run = await runHook({ hookName: "Write Hook", code: DEMO_HOOKS.write as string, args: [sampleFor("write")] });
    expect(run.result).toMatchObject({
      email: "jane.doe@example.com",
      connection: DEMO_CONNECTION,
      app_metadata: { department: "IT" },
    });
  });

  it("the demo Write Hook accepts Kelly's sample too: it uses her own department", async () => {
    const run = await runHook({ hookName: "Write Hook", code: DEMO_HOOKS.write as string, args: [sampleFor("write", "kelly")] });
    expect(run.result).toMatchObject({ app_metadata: { department: "Finance" } });
  });

  it("the demo Access Hook lets Kelly read the sample user of her department", async () => {
    const run = await runHook({ hookName: "Access Hook", code: DEMO_HOOKS.access as string, args: [sampleFor("access", "kelly")] });
    expect(run.ok).toBe(true);
  });

  it("the demo Filter and Memberships hooks answer for Ian: everyone, and every department", async () => {
    const filter = await runHook({ hookName: "Filter Hook", code: DEMO_HOOKS.filter as string, args: [sampleFor("filter")] });
    expect(filter.result).toBeNull();
    const memberships = await runHook({
      hookName: "Memberships Query Hook",
      code: DEMO_HOOKS.memberships as string,
      args: [sampleFor("memberships")],
    });
    expect(memberships.result).toEqual(["Finance", "HR", "IT", "Marketing", "Sales"]);
  });

  it("the post-registration sample is seed 000's Runner body", () => {
    expect(sampleFor("post_registration")).toMatchObject({
      user: { tenant: "my-tenant", email: "user1@foo.com", app_metadata: { plan: "full" } },
      context: { requestLanguage: "en-us", connection: { name: "Username-Password-Authentication" } },
    });
  });
});
