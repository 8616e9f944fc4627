import Link from "next/link";
import { AuditTable } from "@/components/logs/audit-table";
import { LogFilters } from "@/components/logs/log-filters";
import { VerifyChainPanel } from "@/components/logs/verify-chain-panel";
import { Forbidden } from "@/components/ui/notice";
import { Pager } from "@/components/ui/pager";
import { hrefWith } from "@/components/ui/query";
import { listAuditActions, listAuditLog } from "@/lib/audit/list-audit";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { DomainError, fromZodError } from "@/lib/errors";
import { listAuditSchema } from "@/lib/schemas/audit";

export const metadata = { title: "Logs · Delegate" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LogsPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireSessionActor();
  if (!can(actor, "logs:read")) {
    return <Forbidden title="Logs" message="Your role does not allow reading logs. Operators, Administrators and Auditors can." />;
  }
  const parsed = listAuditSchema.safeParse(await searchParams);
  const input = parsed.success ? parsed.data : listAuditSchema.parse({});
  let log: Awaited<ReturnType<typeof listAuditLog>>;
  let actions: string[];
  try {
    [log, actions] = await Promise.all([listAuditLog(actor, input), listAuditActions(actor)]);
  } catch (error) {
    // The Access Hook refused read:logs on the user the log is filtered to.
    if (error instanceof DomainError && error.code === "forbidden") return <Forbidden title="Logs" message={error.message} />;
    throw error;
  }
  const query = { actor: input.actor, action: input.action, result: input.result, user_id: input.user_id };
  const filtered = Object.values(query).some(Boolean);

  return (
    <>
      <h1>Logs</h1>
      {!parsed.success && (
        <div role="alert" className="alert">
          Some filters in the address were not valid, so the whole log is shown. {fromZodError(parsed.error).message}
        </div>
      )}
      {can(actor, "logs:verify") && <VerifyChainPanel />}
      <LogFilters values={input} actions={actions} />
      {input.user_id && (
        <p>
          Only entries about one user. <Link href={hrefWith("/logs", { ...query, user_id: undefined })}>Show all users</Link>
        </p>
      )}
      <p className="muted">
        {log.total === 1 ? "1 entry" : `${log.total} entries`}
        {log.total > 0 && (
          <>
            {" "}
            · Export these entries: <a href={hrefWith("/logs/export", { ...query, format: "csv" })} download>CSV</a>,{" "}
            <a href={hrefWith("/logs/export", { ...query, format: "ndjson" })} download>
              NDJSON
            </a>
          </>
        )}
      </p>
      {log.entries.length > 0 ? (
        <>
          <AuditTable entries={log.entries} caption="Audit log, newest first" />
          <Pager path="/logs" query={{ ...query, per_page: input.per_page === 50 ? undefined : input.per_page }} page={input.page} perPage={input.per_page} total={log.total} label="Log pages" />
        </>
      ) : (
        <div className="empty panel">
          {log.total > 0 ? (
            <>
              This page is past the end of the log. <Link href={hrefWith("/logs", query)}>Go to the first page</Link>.
            </>
          ) : filtered ? (
            <>
              No entries match these filters. <Link href="/logs">Clear the filters</Link>.
            </>
          ) : (
            "Nothing has been recorded yet."
          )}
        </div>
      )}
    </>
  );
}
