import Link from "next/link";
import { HookStatusBadge } from "@/components/hooks/hook-status";
import styles from "@/components/hooks/hooks.module.css";
import { Forbidden } from "@/components/ui/notice";
import { Time } from "@/components/ui/time";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { HOOK_DESCRIPTIONS, HOOK_KINDS, HOOK_NAMES } from "@/lib/hooks/kinds";
import { getHookWithVersions } from "@/lib/hooks/manage/list-hooks";

export const metadata = { title: "Hooks · Delegate" };

export default async function HooksPage() {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) {
    return <Forbidden title="Hooks" message="Only Administrators can manage hooks." />;
  }
  const hooks = await Promise.all(HOOK_KINDS.map((kind) => getHookWithVersions(actor, kind)));
  return (
    <>
      <h1>Hooks</h1>
      <p className="muted">
        Hooks decide, in JavaScript, who may see and do what, and what is written for each created or updated user.
        They run in a sandbox with a time limit and no access to the server. A hook that is not configured or is
        disabled leaves the console&apos;s built-in behaviour in place.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Hook</th>
            <th scope="col">What it does</th>
            <th scope="col">Status</th>
            <th scope="col">Deployed version</th>
          </tr>
        </thead>
        <tbody>
          {hooks.map(({ kind, hook, versions }) => {
            const current = versions.find((v) => v.version === hook?.deployedVersion);
            const draft = versions[0]?.reason === "draft" ? versions[0] : null;
            return (
              <tr key={kind}>
                <th scope="row">
                  <Link href={`/hooks/${kind}`} className={styles.hookLink}>
                    {HOOK_NAMES[kind]}
                  </Link>
                </th>
                <td>{HOOK_DESCRIPTIONS[kind]}</td>
                <td className={styles.nowrap}>
                  <HookStatusBadge hook={hook} />
                </td>
                <td>
                  {current ? (
                    <>
                      Version {current.version}
                      <div className="muted">
                        <Time value={current.createdAt} />
                        {current.authorEmail && <> by {current.authorEmail}</>}
                      </div>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                  {draft && <div className="badge">Draft version {draft.version} not deployed</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
