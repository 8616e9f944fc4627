import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { runHookOnThread } from "./sandbox-threads";
import { hookRequest } from "./context";
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
/** Fields the forms always have: a user field for them adjusts the built-in field (rules, not a second input). */
export const BUILT_IN_FIELDS: ReadonlySet<string> = new Set(["email", "username", "password", "repeatPassword", "connection"]);

export const userFieldSchema = z.object({
  property: z.string().regex(PROPERTY, {
    message:
      "property must be email, username, password, repeatPassword, connection, name, given_name, family_name, phone_number, or app_metadata.<path> / user_metadata.<path>",
  }),
  label: z.string().max(100).optional(),
  display: z.unknown().optional(),
  search: z.unknown().optional(),
  edit: z.union([z.literal(false), fieldModeSchema]).optional(),
  create: z.union([z.literal(false), fieldModeSchema]).optional(),
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

export const settingsHookResultSchema = z.object({
  dict: z
    .object({ title: dictText, memberships: dictText, menuName: dictText })
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
  /** Accepted so that DAE's Settings hooks run; not applied yet (see docs/hooks.md). */
  altcss: stylesheet,
  errorTranslator: z.string().max(10_000).nullish(),
  languageDictionary: z.union([z.string().max(2_000), z.record(z.string(), z.unknown())]).nullish(),
});
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
  placeholder?: string;
}

/** As DAE's console: `languageDictionary.labels[property]`, else the field's label, else its property. */
function fieldLabel(settings: ConsoleSettings, field: UserField): string {
  const labels = typeof settings.languageDictionary === "object" ? settings.languageDictionary?.labels : undefined;
  const translated = labels && typeof labels === "object" ? (labels as Record<string, unknown>)[field.property] : undefined;
  return typeof translated === "string" && translated ? translated.slice(0, 100) : (field.label ?? field.property);
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
        placeholder: spec.placeholder,
      },
    ];
  });
}

/** The extra columns of the users list: user fields with a truthy `display`. */
export function listColumns(settings: ConsoleSettings): { property: string; label: string }[] {
  return settings.userFields.filter((field) => field.display).map((field) => ({ property: field.property, label: fieldLabel(settings, field) }));
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
  const declared = settings.userFields.filter((field) => field[mode]).map((field) => field.property);
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
