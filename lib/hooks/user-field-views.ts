import { fieldLabel, type ConsoleSettings } from "./console-settings";

/** A column of the users list or a row of the user's page that a user field adds. */
export interface FieldView {
  property: string;
  label: string;
  /** A `display` function string (run in the sandbox on the server); without one the stored value is shown. */
  display?: string;
  /** The list sorts by this column's property (DAE's `search.sort`). */
  sortable?: boolean;
}

/** The users list's own columns a user field can hide (`search: false`) or replace (a column of its property). */
export const DEFAULT_LIST_COLUMNS = ["name", "connection", "memberships", "created_at", "last_login"] as const;
export type DefaultListColumn = (typeof DEFAULT_LIST_COLUMNS)[number];

/** The user page's own rows a user field can hide (`display: false`) or replace (a truthy `display`). */
export const DEFAULT_PROFILE_ROWS = [
  "user_id",
  "email",
  "username",
  "name",
  "given_name",
  "phone_number",
  "connection",
  "memberships",
  "blocked",
  "created_at",
  "updated_at",
  "last_login",
  "logins_count",
] as const;
export type DefaultProfileRow = (typeof DEFAULT_PROFILE_ROWS)[number];

const functionString = (display: unknown): string | undefined =>
  typeof display === "string" && display.trim() !== "" ? display : undefined;

/**
 * The users list as DAE's UsersTable builds it: a user field with `search: true` or a `search` object is
 * a column (the object's `label`, `display` and `listOrder` override the field's; `true` sorts after the
 * others), `search: false` removes the column of that property; a column of a default column's property
 * replaces it. The email column (the link to the user) always stays.
 */
export function listColumns(settings: ConsoleSettings): { columns: FieldView[]; hidden: Set<DefaultListColumn> } {
  const hidden = new Set<DefaultListColumn>();
  const columns: (FieldView & { order: number })[] = [];
  for (const field of settings.userFields) {
    const search = field.search;
    if (search === false) {
      if (isDefault(DEFAULT_LIST_COLUMNS, field.property)) hidden.add(field.property);
      continue;
    }
    if (search !== true && (!search || typeof search !== "object")) continue;
    const merged = search === true ? {} : search;
    if (merged.display === false) continue;
    if (isDefault(DEFAULT_LIST_COLUMNS, field.property)) hidden.add(field.property);
    columns.push({
      property: field.property,
      label: fieldLabel(settings, { property: field.property, label: merged.label ?? field.label }),
      display: functionString(merged.display ?? field.display),
      ...(merged.sort === true && { sortable: true }),
      order: merged.listOrder ?? 1000,
    });
  }
  columns.sort((a, b) => a.order - b.order);
  return { columns: columns.map(({ order: _order, ...column }) => column), hidden };
}

/**
 * The user's page as DAE's UserInfo builds it: a user field with a truthy `display` is a row (a function
 * string computes its value), `display: false` removes the row of that property.
 */
export function profileRows(settings: ConsoleSettings): { rows: FieldView[]; hidden: Set<DefaultProfileRow> } {
  const hidden = new Set<DefaultProfileRow>();
  const rows: FieldView[] = [];
  for (const field of settings.userFields) {
    if (field.display !== false && !field.display) continue;
    if (isDefault(DEFAULT_PROFILE_ROWS, field.property)) hidden.add(field.property);
    if (field.display === false) continue;
    rows.push({ property: field.property, label: fieldLabel(settings, field), display: functionString(field.display) });
  }
  return { rows, hidden };
}

function isDefault<T extends string>(defaults: readonly T[], property: string): property is T {
  return (defaults as readonly string[]).includes(property);
}
