import { membershipsOf, type JsonObject, type UserProfile } from "./profile";

/** The fields an admin types in the console's forms, as sent to create or update a user. */
export interface SentUserFields {
  email?: string;
  username?: string | null;
  name?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  phone_number?: string | null;
  memberships?: string[];
  user_metadata?: JsonObject;
  app_metadata?: JsonObject;
}

const TEXT_FIELDS = [
  ["email", "Email"],
  ["username", "Username"],
  ["name", "Name"],
  ["given_name", "Given name"],
  ["family_name", "Family name"],
  ["phone_number", "Phone number"],
] as const;

/** A typed value: blank text counts as nothing typed. */
const typed = (value: string | null | undefined) => (value ?? "").trim();

/** Key order does not matter for JSON objects. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    return keysA.length === keysB.length && keysA.every((key) => sameJson((a as JsonObject)[key], (b as JsonObject)[key]));
  }
  return false;
}

/**
 * The fields the admin sent that the stored user does not have as sent: the Write Hook decides
 * what is written, and a value it dropped or replaced must not vanish silently. Text is compared
 * trimmed (email also case-insensitively, as it is stored in lower case); memberships as a set;
 * metadata key by key, named `user_metadata.key` (null asks for the key's removal). A blank text field on create is nothing sent.
 */
export function fieldsNotKept(sent: SentUserFields, stored: UserProfile): string[] {
  const notKept: string[] = [];
  for (const [field, label] of TEXT_FIELDS) {
    if (!(field in sent)) continue;
    const value = typed(sent[field]);
    const kept = typed(stored[field]);
    const same = field === "email" ? value.toLowerCase() === kept.toLowerCase() : value === kept;
    if (!same && (value !== "" || sent[field] === null)) notKept.push(label);
  }
  if (sent.memberships) {
    const kept = new Set(membershipsOf(stored));
    const wanted = new Set(sent.memberships);
    if (kept.size !== wanted.size || [...wanted].some((membership) => !kept.has(membership))) notKept.push("Memberships");
  }
  for (const root of ["user_metadata", "app_metadata"] as const) {
    for (const [key, value] of Object.entries(sent[root] ?? {})) {
      // null removes the key (metadata is merged as in Auth0's PATCH).
      const kept = value === null ? !(key in stored[root]) : sameJson(stored[root][key], value);
      if (!kept) notKept.push(`${root}.${key}`);
    }
  }
  return notKept;
}

/** The sentence the console shows after a save, or null when everything was kept. */
export function notKeptMessage(fields: string[]): string | null {
  return fields.length ? `The Write Hook did not keep: ${fields.join(", ")}.` : null;
}
