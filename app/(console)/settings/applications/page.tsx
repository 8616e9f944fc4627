import Link from "next/link";
import { CreateApplicationForm } from "@/components/applications/application-form";
import { Forbidden } from "@/components/ui/notice";
import { listApplications } from "@/lib/applications/applications";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

export const metadata = { title: "Applications · Delegate" };

export default async function ApplicationsPage() {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) {
    return <Forbidden title="Applications" message="Only Administrators can manage applications." />;
  }
  const apps = await listApplications(actor);
  return (
    <>
      <h1>Applications</h1>
      <p className="muted">
        Applications sign their users in through Delegate (OpenID Connect). Discovery:{" "}
        <code>{getConfig().publicUrl}/.well-known/openid-configuration</code>. The same settings are in the API at{" "}
        <code>/api/v2/clients</code>.
      </p>
      <CreateApplicationForm />
      <h2>Registered applications</h2>
      {apps.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">client_id</th>
              <th scope="col">Type</th>
              <th scope="col">Callback URLs</th>
            </tr>
          </thead>
          <tbody>
            {apps.map((app) => (
              <tr key={app.client_id}>
                <td>
                  <Link href={`/settings/applications/${encodeURIComponent(app.client_id)}`}>{app.name}</Link>
                </td>
                <td>
                  <code>{app.client_id}</code>
                </td>
                <td>{app.app_type}</td>
                <td>{app.callbacks.join(", ") || <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty panel">No applications yet.</p>
      )}
    </>
  );
}
