import Link from "next/link";
import { notFound } from "next/navigation";
import { cache, Fragment } from "react";
import { AuditTable } from "@/components/logs/audit-table";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { Forbidden } from "@/components/ui/notice";
import { Time } from "@/components/ui/time";
import { ChangePasswordForm } from "@/components/users/change-password-form";
import { EditUserForm } from "@/components/users/edit-user-form";
import { ApplicationActivity } from "@/components/users/application-activity";
import { UserActions } from "@/components/users/user-actions";
import { AccountLinkActions } from "@/components/users/account-link-actions";
import { accountStates } from "@/lib/account/account-state";
import { listUserAuditEntries } from "@/lib/audit/list-audit";
import { can, type Actor } from "@/lib/auth/actor";
import { listConnections } from "@/lib/connections/connections";
import { requireSessionActor } from "@/lib/auth/session";
import { membershipOptionsForForm } from "@/lib/departments/memberships";
import { DomainError } from "@/lib/errors";
import { formUserFields, readProperty } from "@/lib/hooks/console-settings";
import { pageViewId } from "@/lib/http/page-view";
import { consoleSettingsForPage } from "@/lib/hooks/page-settings";
import { consoleTexts } from "@/lib/hooks/console-texts";
import { displayColumns } from "@/lib/hooks/display-columns";
import { profileRows, type DefaultProfileRow } from "@/lib/hooks/user-field-views";
import { listGrantedApplications, listRecentSignIns } from "@/lib/oidc/user-activity";
import { getVersionedUser, type VersionedUser } from "@/lib/users/get-user";
import { membershipsOf } from "@/lib/users/profile";

type Props = { params: Promise<{ id: string }> };

/** The user of this request, loaded once for the title and the page (the Access Hook runs once). */
const loadUser = cache(async (id: string): Promise<{ actor: Actor } & (VersionedUser | { refusal: DomainError })> => {
  const actor = await requireSessionActor();
  try {
    return { actor, ...(await getVersionedUser(actor, id)) };
  } catch (error) {
    if (error instanceof DomainError) return { actor, refusal: error };
    throw error;
  }
});

/** The tab's title names the user when the admin may read them. */
export async function generateMetadata({ params }: Props) {
  const loaded = await loadUser((await params).id);
  return { title: `${"refusal" in loaded ? "User" : loaded.user.email} · Users · Delegate` };
}

export default async function UserPage({ params }: Props) {
  const loaded = await loadUser((await params).id);
  if ("refusal" in loaded) {
    if (loaded.refusal.code === "not_found") notFound();
    if (loaded.refusal.code === "forbidden") return <Forbidden title="User" message={loaded.refusal.message} />;
    throw loaded.refusal;
  }
  const { actor, user, version } = loaded;
  const [auditView, membershipOptions, settings, signIns, granted, states, connections] = await Promise.all([
    listUserAuditEntries(actor, user),
    membershipOptionsForForm(actor),
    consoleSettingsForPage(actor, await pageViewId()).catch(() => null),
    listRecentSignIns(actor, user),
    listGrantedApplications(actor, user),
    accountStates([user.user_id]),
    listConnections({ databaseOnly: true }),
  ]);
  const account = states.get(user.user_id);
  const connection = connections.find((c) => c.name === user.connection);
  const memberships = membershipsOf(user);
  const canWrite = can(actor, "users:write");
  const canEditMetadata = canWrite && can(actor, "config:manage");
  const isSelf = user.user_id === actor.id;
  const texts = consoleTexts(settings?.languageDictionary);
  // DAE's user page: a user field's truthy `display` adds (or replaces) a row, `display: false` hides one.
  const views = settings ? profileRows(settings) : { rows: [], hidden: new Set<DefaultProfileRow>() };
  const displayed = settings ? await displayColumns(actor, settings, views.rows, [user]) : { cells: {}, error: null };
  const shows = (row: DefaultProfileRow) => !views.hidden.has(row);
  const stored = (property: string) => {
    const value = readProperty(user as unknown as Record<string, unknown>, property);
    return value === undefined || value === null || value === "" ? null : typeof value === "object" ? JSON.stringify(value) : String(value);
  };

  return (
    <>
      <Breadcrumbs parents={[{ href: "/users", label: "Users" }]} current={user.email} />
      <div className="page-header">
        <h1>{user.email}</h1>
        <div>
          {user.blocked && <span className="badge danger">Blocked</span>}
          {account?.invited && <span className="badge">Invited</span>}
          {account?.passwordChangeRequired && <span className="badge">Must change password</span>}
          {user.email_verified ? <span className="badge ok">Email verified</span> : <span className="badge">Email not verified</span>}
        </div>
      </div>
      {canWrite && (
        <UserActions
          userId={user.user_id}
          email={user.email}
          emailVerified={user.email_verified}
          blocked={user.blocked}
          isSelf={isSelf}
          texts={{
            block: texts.blockUserMenuItemText,
            blockTitle: texts.blockDialogTitle,
            unblock: texts.unblockUserMenuItemText,
            delete: texts.deleteUserMenuItemText,
            deleteTitle: texts.deleteDialogTitle,
          }}
        />
      )}
      {canWrite && !isSelf && <AccountLinkActions userId={user.user_id} email={user.email} invited={account?.invited ?? false} />}

      <section aria-labelledby="profile-title" className="panel">
        <h2 id="profile-title">Profile</h2>
        {displayed.error && (
          <div role="alert" className="alert">
            {displayed.error}. Its row shows the stored value.
          </div>
        )}
        <dl className="props">
          {shows("user_id") && (
            <>
              <dt>User ID</dt>
              <dd>
                <code>{user.user_id}</code>
              </dd>
            </>
          )}
          {shows("email") && (
            <>
              <dt>Email</dt>
              <dd>{user.email}</dd>
            </>
          )}
          {shows("username") && (
            <>
              <dt>Username</dt>
              <dd>{user.username ?? <span className="muted">—</span>}</dd>
            </>
          )}
          {shows("name") && (
            <>
              <dt>Name</dt>
              <dd>{user.name ?? <span className="muted">—</span>}</dd>
            </>
          )}
          {shows("given_name") && (
            <>
              <dt>Given / family name</dt>
              <dd>{[user.given_name, user.family_name].filter(Boolean).join(" ") || <span className="muted">—</span>}</dd>
            </>
          )}
          {shows("phone_number") && (
            <>
              <dt>Phone number</dt>
              <dd>
                {user.phone_number ?? <span className="muted">—</span>}
                {user.phone_number && !user.phone_verified && <span className="muted"> (not verified)</span>}
              </dd>
            </>
          )}
          {shows("connection") && (
            <>
              <dt>Connection</dt>
              <dd>{user.connection}</dd>
            </>
          )}
          {shows("memberships") && (
            <>
              <dt>{settings?.dict.memberships ?? "Memberships"}</dt>
              <dd>
                {memberships.length ? (
                  memberships.map((membership) => (
                    <span key={membership} className="badge">
                      {membership}
                    </span>
                  ))
                ) : (
                  <span className="muted">None</span>
                )}
              </dd>
            </>
          )}
          {shows("blocked") && (
            <>
              <dt>Status</dt>
              <dd>{user.blocked ? "Blocked" : "Active"}</dd>
            </>
          )}
          {shows("created_at") && (
            <>
              <dt>Created</dt>
              <dd>
                <Time value={user.created_at} />
              </dd>
            </>
          )}
          {shows("updated_at") && (
            <>
              <dt>Updated</dt>
              <dd>
                <Time value={user.updated_at} />
              </dd>
            </>
          )}
          {shows("last_login") && (
            <>
              <dt>Last login</dt>
              <dd>
                <Time value={user.last_login} />
              </dd>
            </>
          )}
          {shows("logins_count") && (
            <>
              <dt>Logins</dt>
              <dd>{user.logins_count}</dd>
            </>
          )}
          {views.rows.map((row) => (
            <Fragment key={row.property}>
              <dt>{row.label}</dt>
              <dd>{displayed.cells[user.user_id]?.[row.property] ?? stored(row.property) ?? <span className="muted">—</span>}</dd>
            </Fragment>
          ))}
        </dl>
      </section>

      {!canEditMetadata && !settings?.suppressRawData && (
        <section aria-labelledby="metadata-title" className="panel">
          <h2 id="metadata-title">Metadata</h2>
          <div className="grid-2">
            <div>
              <h3 id="user-metadata-title">user_metadata</h3>
              <pre className="json" aria-labelledby="user-metadata-title">
                {JSON.stringify(user.user_metadata, null, 2)}
              </pre>
            </div>
            <div>
              <h3 id="app-metadata-title">app_metadata</h3>
              <pre className="json" aria-labelledby="app-metadata-title">
                {JSON.stringify(user.app_metadata, null, 2)}
              </pre>
            </div>
          </div>
        </section>
      )}

      {canWrite && (
        <>
          <EditUserForm
            user={{
              user_id: user.user_id,
              version,
              email: user.email,
              username: user.username,
              name: user.name,
              given_name: user.given_name,
              family_name: user.family_name,
              phone_number: user.phone_number,
              memberships,
              user_metadata: user.user_metadata,
              app_metadata: user.app_metadata,
            }}
            membershipOptions={membershipOptions.memberships}
            createMemberships={membershipOptions.createMemberships}
            membershipsError={membershipOptions.error}
            membershipsLabel={settings?.dict.memberships ?? "Memberships"}
            canEditMetadata={canEditMetadata}
            userFields={settings ? formUserFields(settings, "edit") : []}
            texts={{ title: texts.changeProfileDialogTitle, submit: texts.updateButtonText, pending: texts.savingText }}
          />
          <ChangePasswordForm
            userId={user.user_id}
            policy={connection ? { passwordMinLength: connection.passwordMinLength, passwordMinCharClasses: connection.passwordMinCharClasses } : null}
          />
        </>
      )}

      <ApplicationActivity signIns={signIns} granted={granted} email={user.email} />

      <section aria-labelledby="audit-title">
        <h2 id="audit-title">Audit log</h2>
        {!auditView.allowed ? (
          <p className="empty panel">{auditView.message}</p>
        ) : auditView.entries.length ? (
          <AuditTable entries={auditView.entries} caption={`Audit entries about ${user.email}`} showTarget={false} />
        ) : (
          <p className="empty panel">Nothing has been recorded about this user yet.</p>
        )}
        {can(actor, "logs:read") && auditView.allowed && auditView.entries.length > 0 && (
          <p>
            <Link href={`/logs?user_id=${user.user_id}`}>All entries about this user in the logs</Link>
          </p>
        )}
      </section>
    </>
  );
}
