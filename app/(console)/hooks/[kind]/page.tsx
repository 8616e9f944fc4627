import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { notFound } from "next/navigation";
import { HookExecutions } from "@/components/hooks/hook-executions";
import { HookWorkbench } from "@/components/hooks/hook-workbench";
import { PostRegistrationPanels } from "@/components/hooks/post-registration-panels";
import { Forbidden } from "@/components/ui/notice";
import { listEvaluableAdmins } from "@/lib/access/evaluation-choices";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { listConnections } from "@/lib/connections/connections";
import { HOOK_STARTER_CODE, hookDeclarations, hookTypeAnnotation, sampleHookContextJson } from "@/lib/hooks/contracts";
import { HOOK_DESCRIPTIONS, HOOK_NAMES, isHookKind } from "@/lib/hooks/kinds";
import { getHookWithVersions, listHookExecutions } from "@/lib/hooks/manage/list-hooks";
import { EVALUATED_HOOK_KINDS } from "@/lib/schemas/access";

type Props = { params: Promise<{ kind: string }> };

export async function generateMetadata({ params }: Props) {
  const { kind } = await params;
  return { title: `${isHookKind(kind) ? HOOK_NAMES[kind] : "Hook"} · Hooks · Delegate` };
}

export default async function HookPage({ params }: Props) {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) {
    return <Forbidden title="Hooks" message="Only Administrators can manage hooks." />;
  }
  const { kind } = await params;
  if (!isHookKind(kind)) notFound();

  const evaluable = (EVALUATED_HOOK_KINDS as readonly string[]).includes(kind) && can(actor, "access:evaluate");
  const [{ hook, versions }, executions, connections, admins] = await Promise.all([
    getHookWithVersions(actor, kind),
    listHookExecutions(actor, kind, 20),
    listConnections({ databaseOnly: true }),
    evaluable ? listEvaluableAdmins(actor) : null,
  ]);
  const name = HOOK_NAMES[kind];
  const sampleContext = sampleHookContextJson(kind, { admin: actor.profile, connection: connections[0]?.name });

  return (
    <>
      <Breadcrumbs parents={[{ href: "/hooks", label: "Hooks" }]} current={name} />
      <HookWorkbench
        key={kind}
        kind={kind}
        name={name}
        hook={hook && { code: hook.code, enabled: hook.enabled, timeoutMs: hook.timeoutMs }}
        deployedVersion={hook?.deployedVersion ?? null}
        versions={versions.map((v) => ({
          version: v.version,
          code: v.code,
          enabled: v.enabled,
          timeoutMs: v.timeoutMs,
          authorEmail: v.authorEmail,
          createdAt: v.createdAt.toISOString(),
          reason: v.reason,
          note: v.note,
        }))}
        description={HOOK_DESCRIPTIONS[kind]}
        starterCode={HOOK_STARTER_CODE[kind]}
        annotation={hookTypeAnnotation(kind)}
        declarations={hookDeclarations(kind)}
        sampleContext={sampleContext}
        evaluableAdmins={admins?.map((admin) => ({ id: admin.id, label: `${admin.email} (${admin.roles.map((role) => role.replace("Delegated Admin - ", "")).join(", ")})` }))}
      />
      {kind === "post_registration" && <PostRegistrationPanels actor={actor} />}
      <section aria-labelledby="executions-title">
        <h2 id="executions-title">Recent executions</h2>
        <p className="muted">
          Every run of the Write and Post-User Registration hooks is recorded; the query hooks, which run on every page
          view, record their failures only. Runs in the Runner are not recorded.
        </p>
        <HookExecutions executions={executions} name={name} />
      </section>
    </>
  );
}
