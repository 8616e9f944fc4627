import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { Forbidden } from "@/components/ui/notice";
import { ImportUsers } from "@/components/users/import-users";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { listConnections } from "@/lib/connections/connections";

export const metadata = { title: "Import users · Users · Delegate" };

export default async function ImportUsersPage() {
  const actor = await requireSessionActor();
  if (!can(actor, "users:write")) {
    return <Forbidden title="Import users" message="Your role does not allow creating users, so it does not allow importing them." />;
  }
  const connections = await listConnections({ databaseOnly: true });
  return (
    <>
      <Breadcrumbs parents={[{ href: "/users", label: "Users" }]} current="Import users" />
      <h1>Import users</h1>
      <p className="muted">
        A CSV file with a header row (UTF-8, <code>,</code> or <code>;</code>), a JSON array or Auth0&apos;s export (one user a line), at most
        50 MB. Every row is created or updated exactly as in the create and edit forms, with your role and the hooks; a dry run shows each
        row&apos;s outcome before anything is written.
      </p>
      {connections.length === 0 ? (
        <div role="alert" className="alert">
          There is no enabled database connection to import users into. An Administrator must enable one first.
        </div>
      ) : (
        <ImportUsers connections={connections.map((connection) => ({ id: connection.id, name: connection.name }))} />
      )}
    </>
  );
}
