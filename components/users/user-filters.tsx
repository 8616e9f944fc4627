import { FilterForm } from "@/components/ui/filter-form";
import { PAGE_SIZES, type ListUsersInput } from "@/lib/schemas/user";
import { listQuery } from "./list-query";

/** The list's search and filters: every state of the list is a shareable URL. */
export function UserFilters({
  values,
  connections,
  memberships,
  searchError,
  placeholder,
}: {
  values: ListUsersInput;
  /** The search box's placeholder (DAE's `searchBarPlaceholder`). */
  placeholder: string;
  connections: string[];
  memberships: string[];
  /** Why the search cannot be used (a query error with its character), shown under the box. */
  searchError?: string;
}) {
  const { sort, order } = listQuery(values);
  return (
    <FilterForm action="/users" label="Users">
      <div className="field">
        <label htmlFor="search">Search</label>
        <input
          id="search"
          name="search"
          type="search"
          defaultValue={values.search ?? values.q ?? ""}
          placeholder={placeholder}
          aria-invalid={searchError ? true : undefined}
          aria-describedby={searchError ? "search-error" : "search-hint"}
        />
        {searchError ? (
          <span id="search-error" className="field-error" role="alert">
            {searchError}
          </span>
        ) : (
          <span id="search-hint" className="hint">
            A word, or a query such as <code>email:*@example.com</code>
          </span>
        )}
      </div>
      <div className="field">
        <label htmlFor="filter-connection">Connection</label>
        <select id="filter-connection" name="connection" defaultValue={values.connection ?? ""}>
          <option value="">All connections</option>
          {connections.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-membership">Membership</label>
        <select id="filter-membership" name="membership" defaultValue={values.membership ?? ""}>
          <option value="">All memberships</option>
          {memberships.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="per-page">Page size</label>
        <select id="per-page" name="per_page" defaultValue={String(values.per_page)}>
          {PAGE_SIZES.map((size) => (
            <option key={size}>{size}</option>
          ))}
        </select>
      </div>
      {sort && <input type="hidden" name="sort" value={sort} />}
      {order && <input type="hidden" name="order" value={order} />}
      <div className="field">
        <button type="submit">Search</button>
      </div>
    </FilterForm>
  );
}
