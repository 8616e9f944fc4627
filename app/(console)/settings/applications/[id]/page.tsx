import Link from "next/link";
import { notFound } from "next/navigation";
import { EditApplicationForm } from "@/components/applications/application-form";
import { Forbidden } from "@/components/ui/notice";
import { getApplication } from "@/lib/applications/applications";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";

export const metadata = { title: "Application · Delegate" };

export default async function ApplicationPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) {
    return <Forbidden title="Application" message="Only Administrators can manage applications." />;
  }
  const clientId = decodeURIComponent((await params).id);
  const app = await getApplication(actor, clientId).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === "not_found") notFound();
    throw error;
  });
  return (
    <>
      <p>
        <Link href="/settings/applications">← Applications</Link>
      </p>
      <h1>{app.name}</h1>
      <dl className="props">
        <dt>client_id</dt>
        <dd>
          <code>{app.client_id}</code>
        </dd>
        <dt>Type</dt>
        <dd>{app.app_type}</dd>
        <dt>Token endpoint authentication</dt>
        <dd>{app.token_endpoint_auth_method}</dd>
      </dl>
      <EditApplicationForm app={app} />
    </>
  );
}
