import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { Forbidden } from "@/components/ui/notice";
import { Pager } from "@/components/ui/pager";
import { Time } from "@/components/ui/time";
import { RestoreUserButton } from "@/components/users/restore-user-button";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { retentionSettings } from "@/lib/retention/settings";
import { listDeletedUsersSchema } from "@/lib/schemas/user";
import { listDeletedUsers } from "@/lib/users/deleted-users";

export const metadata = { title: "Deleted users · Users · Delegate" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Deleted users still within the restore window, for Administrators (lib/users/deleted-users.ts). */
export default async function DeletedUsersPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) {
    return <Forbidden title="Deleted users" message="Only Administrators can see and restore deleted users." />;
  }
  const parsed = listDeletedUsersSchema.safeParse(await searchParams);
  const input = parsed.success ? parsed.data : listDeletedUsersSchema.parse({});
  const { users, total } = await listDeletedUsers(actor, input);
  const days = retentionSettings().deletedUsersDays;
  return (
    <>
      <Breadcrumbs parents={[{ href: "/users", label: "Users" }]} current="Deleted users" />
      <h1>Deleted users</h1>
      <p className="muted">
        {days > 0
          ? `A deleted user can be restored for ${days} days, with the properties, metadata and memberships it had; then it is purged. Its audit entries stay.`
          : "Deleted users are kept for ever (DELEGATE_RETENTION_DELETED_USERS_DAYS is 0) and can be restored at any time."}{" "}
        Its email and username are free meanwhile: if someone took them, the restore is refused until that user changes them.
      </p>
      {users.length ? (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Deleted users, most recently deleted first</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Username</th>
                  <th scope="col">Connection</th>
                  <th scope="col">Deleted</th>
                  <th scope="col">Deleted by</th>
                  <th scope="col">Purged</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((user) => (
                  <tr key={user.user_id}>
                    <td>{user.email}</td>
                    <td>{user.username ?? <span className="muted">—</span>}</td>
                    <td>{user.connection}</td>
                    <td>
                      <Time value={user.deleted_at} />
                    </td>
                    <td>{user.deleted_by ?? <span className="muted">—</span>}</td>
                    <td>
                      <Time value={user.purge_after} empty="Never" />
                    </td>
                    <td>
                      <RestoreUserButton userId={user.user_id} email={user.email} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager path="/users/deleted" query={{}} page={input.page} perPage={input.per_page} total={total} label="Deleted users pages" />
        </>
      ) : (
        <p className="empty panel">{total > 0 ? "This page is past the end of the list." : "No deleted user can be restored."}</p>
      )}
    </>
  );
}
