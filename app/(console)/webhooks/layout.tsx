import { WebhooksTabs } from "@/components/webhooks/webhooks-tabs";
import { Forbidden } from "@/components/ui/notice";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";

export default async function WebhooksLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) {
    return <Forbidden title="Webhooks" message="Only Administrators can manage webhooks and REST hooks." />;
  }
  return (
    <>
      <WebhooksTabs />
      {children}
    </>
  );
}
