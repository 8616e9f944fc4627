import { UserQueryError } from "./errors";

/** How a profile field is compared: case-insensitive text (Auth0's normalized fields), text, or typed. */
export type ColumnType = "text-ci" | "text" | "boolean" | "integer" | "date";

export const COLUMN_FIELDS = {
  user_id: "text",
  email: "text-ci",
  email_verified: "boolean",
  username: "text",
  name: "text-ci",
  given_name: "text-ci",
  family_name: "text-ci",
  nickname: "text-ci",
  phone_number: "text",
  blocked: "boolean",
  logins_count: "integer",
  created_at: "date",
  updated_at: "date",
  last_login: "date",
  "identities.connection": "text",
} as const satisfies Record<string, ColumnType>;

export type ColumnField = keyof typeof COLUMN_FIELDS;

export type QueryField =
  | { kind: "column"; name: ColumnField; type: ColumnType }
  | { kind: "metadata"; root: "app_metadata" | "user_metadata"; path: string[]; name: string };

const METADATA_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_METADATA_DEPTH = 8;

export const FIELD_LIST = `${Object.keys(COLUMN_FIELDS).join(", ")}, app_metadata.<path>, user_metadata.<path>`;

export function resolveField(name: string, position: number): QueryField {
  if (Object.hasOwn(COLUMN_FIELDS, name)) {
    const column = name as ColumnField;
    return { kind: "column", name: column, type: COLUMN_FIELDS[column] };
  }
  const [root, ...path] = name.split(".");
  if ((root === "app_metadata" || root === "user_metadata") && path.length > 0) {
    if (path.length > MAX_METADATA_DEPTH) {
      throw new UserQueryError(`The path "${name}" is deeper than ${MAX_METADATA_DEPTH} keys`, position);
    }
    const bad = path.find((key) => !METADATA_KEY.test(key));
    if (bad !== undefined) {
      throw new UserQueryError(
        `The metadata key "${bad}" in "${name}" is not supported: keys are 1-64 letters, digits, - or _`,
        position,
      );
    }
    return { kind: "metadata", root, path, name };
  }
  throw new UserQueryError(`Unknown field "${name}": the fields are ${FIELD_LIST}`, position);
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/**
 * A date value as the interval of time it names: `2024` is the whole year, `2024-03-01` the whole
 * day, a full timestamp its millisecond (times without a zone are UTC, as Auth0 stores them).
 * Ranges use its start or end the way Elasticsearch rounds missing date parts.
 */
export function dateInterval(text: string): { start: Date; end: Date } | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const parts = [Number(year), Number(month ?? 1) - 1, Number(day ?? 1), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0)];
  const millis = fraction ? Number(fraction.padEnd(3, "0")) : 0;
  let start = Date.UTC(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], millis);
  const check = new Date(start);
  if (check.getUTCMonth() !== parts[1] || check.getUTCDate() !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) {
    return null;
  }
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    start -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const from = new Date(start);
  const end = new Date(start);
  if (!month) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (!day) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (!hour) end.setUTCDate(end.getUTCDate() + 1);
  else if (!second) end.setUTCMinutes(end.getUTCMinutes() + 1);
  else if (!fraction) end.setUTCSeconds(end.getUTCSeconds() + 1);
  else end.setUTCMilliseconds(end.getUTCMilliseconds() + 1);
  return { start: from, end };
}
