import type { Prisma } from "@/lib/generated/prisma/client";
import type { UserProfile } from "@/lib/users/profile";

/**
 * What one change did to the fields it touched, for the audit entry's `details.changes`: the value before
 * and after each changed field, metadata as one line per changed JSON path (`user_metadata.address.city`).
 * A side that has no value (a key added or removed) has no `from` / `to`. Passwords, hashes, secrets and
 * tokens are never recorded, only that they changed (`changed: true`), and neither is any key whose name
 * says it holds one (password, secret, hash, token, credential, private or API key, authorization, cookie).
 */
export type FieldChange = { field: string; from?: Prisma.InputJsonValue | null; to?: Prisma.InputJsonValue | null } | { field: string; changed: true };

const SECRET_KEY = /pass(word)?|secret|hash|token|credential|private.?key|api.?key|authori[sz]ation|cookie/i;

type Json = Prisma.JsonValue | undefined;

const isObject = (value: Json): value is Prisma.JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

const isEmpty = (value: Json) => value === null || value === false || (isObject(value) && Object.keys(value).length === 0);

const same = (a: Json, b: Json): boolean => {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => same((a as Prisma.JsonObject)[key], (b as Prisma.JsonObject)[key]));
};

/** The changed paths of two JSON values: objects are walked key by key, anything else compared whole. */
export function jsonChanges(path: string, before: Json, after: Json, out: FieldChange[] = []): FieldChange[] {
  if (same(before, after)) return out;
  const secret = SECRET_KEY.test(path.slice(path.lastIndexOf(".") + 1));
  if (secret) {
    out.push({ field: path, changed: true });
  } else if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) jsonChanges(`${path}.${key}`, before[key], after[key], out);
  } else {
    out.push({
      field: path,
      ...(before === undefined ? {} : { from: before as Prisma.InputJsonValue | null }),
      ...(after === undefined ? {} : { to: after as Prisma.InputJsonValue | null }),
    });
  }
  return out;
}

/**
 * The changes of the named keys of a configuration object (webhook endpoint, settings); `secretKeys` (e.g. custom
 * headers, which carry tokens) and secret-looking keys are recorded only as changed.
 */
export function objectChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  keys: readonly string[],
  secretKeys: readonly string[] = [],
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of keys) {
    if (!secretKeys.includes(key)) jsonChanges(key, before[key] as Json, after[key] as Json, out);
    else if (!same(before[key] as Json, after[key] as Json)) out.push({ field: key, changed: true });
  }
  return out;
}

const PROFILE_FIELDS = [
  "email",
  "email_verified",
  "username",
  "name",
  "given_name",
  "family_name",
  "phone_number",
  "phone_verified",
  "blocked",
  "connection",
  "user_metadata",
  "app_metadata",
] as const satisfies readonly (keyof UserProfile)[];

type AuditedProfile = Pick<UserProfile, (typeof PROFILE_FIELDS)[number]>;

/**
 * The changes from one state of a user to another (null: the user did not exist before / after), plus
 * `password` as only changed when the change set one, and the `password_change_required` it set.
 */
export function userFieldChanges(
  before: AuditedProfile | null,
  after: AuditedProfile | null,
  credentials: { password?: boolean; passwordChangeRequired?: boolean } = {},
): FieldChange[] {
  const out: FieldChange[] = [];
  // A user created or removed: its empty fields are no news.
  const value = (profile: AuditedProfile | null, field: (typeof PROFILE_FIELDS)[number]): Json => {
    if (!profile) return undefined;
    const found = profile[field] as Json;
    return (before && after) || !isEmpty(found) ? found : undefined;
  };
  for (const field of PROFILE_FIELDS) jsonChanges(field, value(before, field), value(after, field), out);
  if (credentials.password) out.push({ field: "password", changed: true });
  // Set with every password an admin sets (not a profile field: its value before is not loaded).
  if (credentials.passwordChangeRequired !== undefined) out.push({ field: "password_change_required", to: credentials.passwordChangeRequired });
  return out;
}
