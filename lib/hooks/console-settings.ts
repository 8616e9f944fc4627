import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { runHookOnThread } from "./sandbox-threads";
import { hookRequest } from "./context";
import { languageDictionarySchema } from "./console-texts";
import { runActiveHook } from "./execute";

const FIELD_TYPES = ["text", "select", "password", "hidden"] as const;

const optionSchema = z.union([
  z.string().max(200),
  z.object({ value: z.string().max(200), label: z.string().max(200) }),
]);

const fieldModeSchema = z.object({
  type: z.enum(FIELD_TYPES).default("text"),
  options: z.array(optionSchema).max(200).optional(),
  required: z.boolean().optional(),
  disabled: z.boolean().optional(),
  placeholder: z.string().max(200).optional(),
  /** A function expression `(value, values, context, createMode) => error message | falsy`, run in the sandbox. */
  validationFunction: z.string().max(10_000).optional(),
});
export type UserFieldMode = z.infer<typeof fieldModeSchema>;

const PROPERTY =
  /^(email|username|password|repeatPassword|connection|name|given_name|family_name|phone_number|(app_metadata|user_metadata)(\.[A-Za-z0-9_\-]{1,64}){1,5})$/;
/** Properties a user field may show (`display`, `search`) but never write (`create`, `edit`). */
const READ_ONLY_PROPERTIES = [
  "user_id",
  "email_verified",
  "phone_verified",
  "blocked",
  "memberships",
  "logins_count",
  "created_at",
  "updated_at",
  "last_login",
] as const;
const READ_ONLY: ReadonlySet<string> = new Set(READ_ONLY_PROPERTIES);
/** Fields the forms always have: a user field for them adjusts the built-in field (rules, not a second input). */
export const BUILT_IN_FIELDS: ReadonlySet<string> = new Set(["email", "username", "password", "repeatPassword", "connection"]);

/** DAE's users-list column of a field: `true`, or an object that overrides the field's attributes there. */
const searchSchema = z.union([
  z.boolean(),
  z.object({
    label: z.string().max(100).optional(),
    display: z.union([z.boolean(), z.string().max(10_000)]).optional(),
    listOrder: z.number().finite().optional(),
    listSize: z.string().max(20).optional(),
    sort: z.boolean().optional(),
  }),
]);

export const userFieldSchema = z
  .object({
    property: z.string().refine((property) => PROPERTY.test(property) || READ_ONLY.has(property), {
      message: `property must be email, username, password, repeatPassword, connection, name, given_name, family_name, phone_number, app_metadata.<path> / user_metadata.<path>, or (to show only) ${READ_ONLY_PROPERTIES.join(", ")}`,
    }),
    label: z.string().max(100).optional(),
    /** The user's page: `false` hides the row, `true` shows it, a function string computes it (in the sandbox). */
    display: z.union([z.boolean(), z.string().max(10_000)]).nullish(),
    /** The users list: `false` hides the column, `true` or an object adds it. */
    search: searchSchema.nullish(),
    edit: z.union([z.literal(false), fieldModeSchema]).optional(),
    create: z.union([z.literal(false), fieldModeSchema]).optional(),
  })
  .refine((field) => !READ_ONLY.has(field.property) || (!field.create && !field.edit), {
    message: "this property can be shown (display, search) but not written (create, edit)",
    path: ["property"],
  });
export type UserField = z.infer<typeof userFieldSchema>;

const dictText = z
  .string()
  .max(200)
  .nullish()
  .transform((text) => text ?? undefined);
/** A stylesheet: a URL, CSS text, or false / nothing for none (DAE's sample returns `false` for IT). */
const stylesheet = z
  .union([z.string().max(20_000), z.literal(false), z.null()])
  .optional()
  .transform((css) => (typeof css === "string" ? css : ""));

/** DAE fetches a `languageDictionary` that is an http(s) URL; it is kept aside so that the page can fetch it. */
function setDictionaryUrlAside(result: unknown): unknown {
  if (!result || typeof result !== "object" || Array.isArray(result)) return result;
  const { languageDictionary, ...rest } = result as Record<string, unknown>;
  if (typeof languageDictionary !== "string" || !/^https?:\/\//i.test(languageDictionary.trim())) return result;
  return { ...rest, languageDictionaryUrl: languageDictionary.trim() };
}

export const settingsHookResultSchema = z.preprocess(setDictionaryUrlAside, z.object({
  dict: z
    .object({
      title: dictText,
      memberships: dictText,
      menuName: dictText,
      /** Where the console goes after signing out (DAE's `dict.logoutUrl`). */
      logoutUrl: z
        .string()
        .max(2_000)
        .regex(/^https?:\/\/[^\s]+$/i, { message: "logoutUrl must be an http(s) URL" })
        .nullish()
        .transform((url) => url ?? undefined),
    })
    .partial()
    .nullish()
    .transform((dict) => dict ?? {}),
  userFields: z
    .array(userFieldSchema)
    .max(50)
    .nullish()
    .transform((fields) => fields ?? []),
  connections: z
    .array(z.string().max(200))
    .max(100)
    .nullish()
    .transform((connections) => connections ?? undefined),
  canCreateUser: z
    .boolean()
    .nullish()
    .transform((allowed) => allowed !== false),
  suppressRawData: z
    .boolean()
    .nullish()
    .transform((suppress) => suppress === true),
  css: stylesheet,
  /** The alternative stylesheet the console's style toggle switches to (DAE's `altcss`). */
  altcss: stylesheet,
  errorTranslator: z.string().max(10_000).nullish(),
  languageDictionary: languageDictionarySchema.nullish(),
  /** A `languageDictionary` given as an http(s) URL: the console fetches it (lib/hooks/page-settings.ts). */
  languageDictionaryUrl: z.string().max(2_000).optional(),
}));
export type ConsoleSettings = z.infer<typeof settingsHookResultSchema>;

export const DEFAULT_CONSOLE_SETTINGS: ConsoleSettings = settingsHookResultSchema.parse({});

/** The console's settings for this admin: the Settings Query Hook's answer, or the defaults. */
export async function getConsoleSettings(actor: Actor, locale = "en"): Promise<ConsoleSettings> {
  const run = await runActiveHook("settings", [{ request: hookRequest(actor), locale }], settingsHookResultSchema, actor);
  return run.configured ? run.result : DEFAULT_CONSOLE_SETTINGS;
}

export function readProperty(source: Record<string, unknown>, property: string): unknown {
  return property.split(".").reduce<unknown>((value, key) => {
    if (value && typeof value === "object" && !Array.isArray(value)) return (value as Record<string, unknown>)[key];
    return undefined;
  }, source);
}

/** A user field as the create form renders it (plain data, safe to hand to a client component). */
export interface FormUserField {
  property: string;
  label: string;
  type: UserFieldMode["type"];
  options: { value: string; label: string }[];
  required: boolean;
  disabled: boolean;
  placeholder?: string;
}

/** As DAE's console: `languageDictionary.labels[property]`, else the field's label, else its property. */
export function fieldLabel(settings: ConsoleSettings, field: { property: string; label?: string }): string {
  const dictionary = settings.languageDictionary;
  const translated = dictionary && typeof dictionary === "object" ? dictionary.labels?.[field.property] : undefined;
  return translated || field.label || field.property;
}

export function formUserFields(settings: ConsoleSettings, mode: "create" | "edit"): FormUserField[] {
  return settings.userFields.flatMap((field) => {
    const spec = field[mode];
    if (!spec || BUILT_IN_FIELDS.has(field.property)) return [];
    return [
      {
        property: field.property,
        label: fieldLabel(settings, field),
        type: spec.type,
        options: (spec.options ?? []).map((option) => (typeof option === "string" ? { value: option, label: option } : option)),
        required: spec.required ?? false,
        disabled: spec.disabled ?? false,
        placeholder: spec.placeholder,
      },
    ];
  });
}

/** A stylesheet URL (https, or http for a local address) rather than CSS text. */
export function stylesheetUrl(css: string): string | null {
  if (!/^https?:\/\//i.test(css.trim())) return null;
  try {
    const url = new URL(css.trim());
    return url.protocol === "https:" || url.hostname === "localhost" || url.hostname === "127.0.0.1" ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The origins of the stylesheet URLs (`css`, `altcss`) of a Settings result: what the console's CSP allows for styles. */
export function stylesheetOrigins(settings: Pick<ConsoleSettings, "css" | "altcss">): string[] {
  const urls = [settings.css, settings.altcss].map(stylesheetUrl).filter((url): url is string => url !== null);
  return [...new Set(urls.map((url) => new URL(url).origin))];
}

/** The tenant's CSS for the console, unable to close its <style> element. */
export function safeCss(css: string): string {
  return css.replace(/<\/?style/gi, "");
}

const optionValue = (option: z.infer<typeof optionSchema>) => (typeof option === "string" ? option : option.value);

/**
 * Enforces the `required`, `options` and `validationFunction` of the Settings Query Hook's user
 * fields on the server. `values` is the submitted payload (metadata fields under their paths).
 */
export async function validateUserFields(
  actor: Actor,
  settings: ConsoleSettings,
  values: Record<string, unknown>,
  mode: "create" | "edit",
): Promise<void> {
  const fieldErrors: Record<string, string> = {};
  for (const field of settings.userFields) {
    const spec = field[mode];
    // repeatPassword is checked against password by the form's own schema.
    if (!spec || field.property === "repeatPassword") continue;
    const label = field.label ?? field.property;
    const value = readProperty(values, field.property);
    const empty = value === undefined || value === null || value === "";
    if (spec.required && empty) {
      fieldErrors[field.property] = `${label} is required.`;
      continue;
    }
    if (!empty && spec.options && spec.options.length > 0 && !spec.options.map(optionValue).includes(String(value))) {
      fieldErrors[field.property] = `${label} must be one of: ${spec.options.map(optionValue).join(", ")}.`;
      continue;
    }
    if (spec.validationFunction) {
      const message = await runValidationFunction(actor, field, spec.validationFunction, value, values, mode === "create");
      if (message) fieldErrors[field.property] = message;
    }
  }
  const first = Object.values(fieldErrors)[0];
  if (first) throw new DomainError("validation", first, fieldErrors);
}

async function runValidationFunction(
  actor: Actor,
  field: UserField,
  source: string,
  value: unknown,
  values: Record<string, unknown>,
  createMode: boolean,
): Promise<string | null> {
  const expression = source.trim().replace(/;+\s*$/, "");
  const run = await runHookOnThread({
    hookName: `Validation of "${field.label ?? field.property}"`,
    code: `function (value, values, context, createMode, callback) {\n  var validate = (${expression});\n  var error = validate(value, values, context, createMode);\n  callback(null, error ? String(error) : null);\n}`,
    args: [value ?? null, values, { request: hookRequest(actor) }, createMode],
  }, actor.id);
  if (!run.ok) return run.error?.message ?? "The field's validation failed.";
  return typeof run.result === "string" && run.result ? run.result : null;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * What an edit's metadata changes in the stored metadata: the keys whose values differ (objects compared
 * key by key), a removed key as `null`. An edit form sends the whole object with its fields changed; the
 * paths in this difference are what `assertMetadataAllowed` checks.
 */
export function metadataDiff(current: Record<string, unknown>, submitted: Record<string, unknown>): Record<string, unknown> {
  const diff: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(current), ...Object.keys(submitted)])) {
    const before = current[key];
    const after = submitted[key];
    if (isPlainObject(before) && isPlainObject(after)) {
      const inner = metadataDiff(before, after);
      if (Object.keys(inner).length > 0) diff[key] = inner;
    } else if (JSON.stringify(before) !== JSON.stringify(after)) {
      diff[key] = after === undefined ? null : after;
    }
  }
  return diff;
}

/**
 * Only Administrators write metadata freely (`app_metadata.roles` makes admins). Other admins may
 * set only the metadata paths that the Settings Query Hook declares as user fields of the form: a
 * declared `app_metadata.profile.department` allows that path and what lies under it, never a sibling
 * such as `app_metadata.profile.salary`, nor a non-object value replacing `app_metadata.profile`.
 */
export function assertMetadataAllowed(
  actor: Actor,
  settings: ConsoleSettings,
  input: { app_metadata?: Record<string, unknown>; user_metadata?: Record<string, unknown> },
  mode: "create" | "edit",
): void {
  if (actor.permissions.has("config:manage")) return;
  // A disabled field is shown, not written.
  const declared = settings.userFields.filter((field) => field[mode] && !field[mode].disabled).map((field) => field.property);
  for (const root of ["app_metadata", "user_metadata"] as const) {
    const pending: [string, unknown][] = Object.entries(input[root] ?? {}).map(([key, value]) => [`${root}.${key}`, value]);
    while (pending.length > 0) {
      const [path, value] = pending.pop()!;
      if (declared.includes(path)) continue;
      const leadsToDeclared = declared.some((property) => property.startsWith(`${path}.`));
      if (leadsToDeclared && value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [key, child] of Object.entries(value)) pending.push([`${path}.${key}`, child]);
        continue;
      }
      throw new DomainError("forbidden", `Only Administrators can set ${path}.`, { [root]: `Only Administrators can set ${path}.` });
    }
  }
}
