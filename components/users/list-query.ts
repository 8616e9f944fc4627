import type { ListUsersInput } from "@/lib/schemas/user";

/** The list's parameters as URL query values, leaving out the defaults. */
export function listQuery(input: Partial<ListUsersInput>) {
  return {
    search: input.search,
    q: input.q,
    connection: input.connection,
    membership: input.membership,
    sort: input.sort === "email" ? undefined : input.sort,
    order: input.order === "asc" ? undefined : input.order,
    per_page: input.per_page === 25 ? undefined : input.per_page,
    page: input.page === 1 ? undefined : input.page,
  };
}
