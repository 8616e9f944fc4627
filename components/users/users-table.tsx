import Link from "next/link";
import { hrefWith } from "@/components/ui/query";
import { listQuery } from "./list-query";
import { RelativeTime } from "@/components/ui/relative-time";
import type { DefaultListColumn, FieldView } from "@/lib/hooks/user-field-views";
import type { ListUsersInput } from "@/lib/schemas/user";
import { membershipsOf, type UserProfile } from "@/lib/users/profile";
import { UserRowMenu } from "./user-row-menu";

type SortField = ListUsersInput["sort"];

function SortHeader({ field, label, input }: { field: SortField; label: string; input: ListUsersInput }) {
  const active = input.sort === field;
  const nextOrder = active && input.order === "asc" ? "desc" : "asc";
  const href = hrefWith("/users", { ...listQuery(input), sort: field, order: nextOrder, page: undefined });
  return (
    <th scope="col" aria-sort={active ? (input.order === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={href}>
        {label}
        {/* Every sortable column shows that it sorts; the active one shows its direction. */}
        <span aria-hidden="true" className={active ? "sort-indicator active" : "sort-indicator"}>
          {active ? (input.order === "asc" ? " ▲" : " ▼") : " ↕"}
        </span>
      </Link>
    </th>
  );
}

function displayValue(user: UserProfile, property: string): string {
  const value = property.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), user);
  if (value === undefined || value === null || value === "") return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function UsersTable({
  users,
  input,
  columns,
  hidden = new Set(),
  displayed = {},
  invited = [],
  manage,
}: {
  users: UserProfile[];
  input: ListUsersInput;
  /** Extra columns from the Settings Query Hook's user fields (`search`). */
  columns: FieldView[];
  /** The list's own columns the user fields hide or replace. */
  hidden?: ReadonlySet<DefaultListColumn>;
  /** Cells computed on the server by the columns' `display` functions: displayed[userId][property]. */
  displayed?: Record<string, Record<string, string>>;
  /** Users whose invitation is open (no password chosen yet). */
  invited?: string[];
  /**
   * For admins who change users: a checkbox per row (for BulkUserActions, which wraps the table) and a row
   * menu, except on the admin's own row (nobody blocks or deletes themselves).
   */
  manage?: { selfId: string };
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">
          Users, sorted by {columns.find((column) => column.property === input.sort)?.label ?? input.sort.replace("_", " ")}
        </caption>
        <thead>
          <tr>
            {manage && (
              <th scope="col" className="select">
                <input type="checkbox" data-select-all aria-label="Select every user on this page" />
              </th>
            )}
            <SortHeader field="email" label="Email" input={input} />
            {!hidden.has("name") && <SortHeader field="name" label="Name" input={input} />}
            {!hidden.has("connection") && <th scope="col">Connection</th>}
            {!hidden.has("memberships") && <th scope="col">Memberships</th>}
            {!hidden.has("created_at") && <SortHeader field="created_at" label="Created" input={input} />}
            {!hidden.has("last_login") && <SortHeader field="last_login" label="Last login" input={input} />}
            {columns.map((column) =>
              column.sortable ? (
                <SortHeader key={column.property} field={column.property} label={column.label} input={input} />
              ) : (
                <th scope="col" key={column.property}>
                  {column.label}
                </th>
              ),
            )}
            <th scope="col">Status</th>
            {manage && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.user_id}>
              {manage && (
                <td className="select">
                  {user.user_id !== manage.selfId && (
                    <input type="checkbox" name="user_id" value={user.user_id} data-email={user.email} aria-label={`Select ${user.email}`} />
                  )}
                </td>
              )}
              <td>
                <Link href={`/users/${user.user_id}`}>{user.email}</Link>
                {user.username && <div className="muted">{user.username}</div>}
              </td>
              {!hidden.has("name") && <td>{user.name ?? <span className="muted">—</span>}</td>}
              {!hidden.has("connection") && <td>{user.connection}</td>}
              {!hidden.has("memberships") && (
                <td>
                  {membershipsOf(user).map((membership) => (
                    <span key={membership} className="badge">
                      {membership}
                    </span>
                  ))}
                </td>
              )}
              {!hidden.has("created_at") && (
                <td>
                  <RelativeTime value={user.created_at} />
                </td>
              )}
              {!hidden.has("last_login") && (
                <td>
                  <RelativeTime value={user.last_login} />
                </td>
              )}
              {columns.map((column) => (
                <td key={column.property}>{displayed[user.user_id]?.[column.property] ?? displayValue(user, column.property)}</td>
              ))}
              <td>
                {/* One status: blocked wins over an open invitation, which wins over an unverified email. */}
                {user.blocked ? (
                  <span className="badge danger">Blocked</span>
                ) : invited.includes(user.user_id) ? (
                  <span className="badge">Invited</span>
                ) : user.email_verified ? (
                  <span className="badge ok">Active</span>
                ) : (
                  <span className="badge">Unverified</span>
                )}
              </td>
              {manage && (
                <td>{user.user_id !== manage.selfId && <UserRowMenu userId={user.user_id} email={user.email} blocked={user.blocked} />}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
