import Link from "next/link";
import { UserFilters } from "@/components/users/user-filters";
import { listQuery } from "@/components/users/list-query";
import { BulkUserActions } from "@/components/users/bulk-user-actions";
import { UsersTable } from "@/components/users/users-table";
import { accountStates } from "@/lib/account/account-state";
import { Pager } from "@/components/ui/pager";
import { hrefWith } from "@/components/ui/query";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { listConnections } from "@/lib/connections/connections";
import { listMembershipOptions } from "@/lib/departments/memberships";
import { DomainError, fromZodError } from "@/lib/errors";
import { pageViewId } from "@/lib/http/page-view";
import { consoleSettingsForPage } from "@/lib/hooks/page-settings";
import { consoleTexts } from "@/lib/hooks/console-texts";
import { displayColumns } from "@/lib/hooks/display-columns";
import { listColumns } from "@/lib/hooks/user-field-views";
import { listUsersSchema } from "@/lib/schemas/user";
import { listUsers, OFFSET_PAGES } from "@/lib/users/list-users";

export const metadata = { title: "Users · Delegate" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireSessionActor();
  const params = await searchParams;
  const parsed = listUsersSchema.safeParse(params);
  const input = parsed.success ? parsed.data : listUsersSchema.parse({});
  const [listing, connections, memberships, settings] = await Promise.all([
    listUsers(actor, input).then(
      (page) => ({ page, error: null }),
      (error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        return { page: { users: [], total: 0, total_exact: true, hidden: 0, page: input.page, per_page: input.per_page, next: null, previous: null }, error };
      },
    ),
    listConnections(),
    listMembershipOptions(actor).catch(() => []),
    consoleSettingsForPage(actor, await pageViewId()).catch(() => null),
  ]);
  const { page, error: listError } = listing;
  // A search the query parser refuses is shown at the search box, not as a list that matched nothing.
  const searchError = listError?.fieldErrors?.search ?? listError?.fieldErrors?.q;
  const columns = settings ? listColumns(settings) : { columns: [], hidden: new Set<never>() };
  const displayed = settings ? await displayColumns(actor, settings, columns.columns, page.users) : { cells: {}, error: null };
  const texts = consoleTexts(settings?.languageDictionary, { usersTitle: settings?.dict.title });
  const filtered = Boolean(input.search || input.q || input.connection || input.membership);

  const exportQuery = { ...listQuery(input), page: undefined, per_page: undefined };
  const canWrite = can(actor, "users:write");
  const invited = [...(await accountStates(page.users.map((u) => u.user_id)))].filter(([, state]) => state.invited).map(([id]) => id);
  const list =
    page.users.length > 0 ? (
      <>
        <UsersTable
          users={page.users}
          input={input}
          columns={columns.columns}
          hidden={columns.hidden}
          displayed={displayed.cells}
          invited={invited}
          manage={canWrite ? { selfId: actor.id } : undefined}
        />
        <Pager
          path="/users"
          query={{ ...listQuery(input), page: undefined }}
          page={input.page}
          perPage={input.per_page}
          total={page.total}
          totalExact={page.total_exact}
          label="Users pages"
          nextQuery={page.next && input.page + 1 > OFFSET_PAGES ? { after: page.next } : {}}
          previousQuery={page.previous && input.page - 1 > OFFSET_PAGES ? { before: page.previous } : {}}
        />
      </>
    ) : (
      <div className="empty panel">
        {searchError ? (
          <>No users are listed until the search is corrected or <Link href="/users">cleared</Link>.</>
        ) : page.hidden > 0 ? (
          <>The Access Hook does not let you read any user of this page.</>
        ) : page.total > 0 ? (
          <>
            This page is past the end of the list.{" "}
            <Link href={hrefWith("/users", { ...listQuery(input), page: undefined })}>Go to the first page</Link>.
          </>
        ) : filtered ? (
          <>
            {texts.userSearchNoResults} <Link href="/users">Clear the filters</Link>.
          </>
        ) : (
          <>No users yet.{canWrite && <> <Link href="/users/new">Create the first one</Link>.</>}</>
        )}
      </div>
    );

  return (
    <>
      <div className="page-header">
        <h1>{texts.usersTitle}</h1>
        <div>
          <span className="muted">
            Export this list:{" "}
            <a href={hrefWith("/users/export", exportQuery)} download>
              CSV
            </a>
            ,{" "}
            <a href={hrefWith("/users/export", { ...exportQuery, format: "json" })} download>
              NDJSON
            </a>
          </span>{" "}
          {can(actor, "config:manage") && (
            <>
              <Link href="/users/deleted">Deleted users</Link>{" "}
            </>
          )}
          {canWrite && (
            <>
              <Link href="/users/import">Import users</Link>{" "}
            </>
          )}
          {canWrite && (
            <Link href="/users/new" className="button">
              {texts.createUserButtonText}
            </Link>
          )}
        </div>
      </div>
      {!parsed.success && (
        <div role="alert" className="alert">
          Some list parameters in the address were not valid, so the default list is shown. {fromZodError(parsed.error).message}
        </div>
      )}
      {listError && !searchError && (
        <div role="alert" className="alert">
          The users cannot be listed: {listError.message}
        </div>
      )}
      <UserFilters placeholder={texts.searchBarPlaceholder} values={input} connections={connections.map((c) => c.name)} memberships={memberships} searchError={searchError} />
      {!searchError && (
        <p className="muted" aria-live="polite">
          {!page.total_exact ? `More than ${page.total.toLocaleString("en-US")} users` : page.total === 1 ? "1 user" : `${page.total} users`}
          {filtered && " match"}
        </p>
      )}
      {displayed.error && (
        <div role="alert" className="alert">
          {displayed.error}. Its column shows the stored values.
        </div>
      )}
      {page.hidden > 0 && (
        <p className="notice" role="status">
          {page.hidden === 1 ? "1 user" : `${page.hidden} users`} of this page {page.hidden === 1 ? "is" : "are"} not shown: the Access
          Hook does not let you read {page.hidden === 1 ? "it" : "them"}.
        </p>
      )}
      {/* Bulk results stay on screen after a refresh that empties the list. */}
      {canWrite ? (
        <BulkUserActions
          pageRows={page.users.length}
          scope={{ query: { search: input.search, q: input.q, connection: input.connection, membership: input.membership }, total: page.total, totalExact: page.total_exact }}
          membershipOptions={memberships}
        >
          {list}
        </BulkUserActions>
      ) : (
        list
      )}
    </>
  );
}
