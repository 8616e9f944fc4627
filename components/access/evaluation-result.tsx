import type { AccessEvaluation } from "@/lib/schemas/access";

const DECIDERS: Record<AccessEvaluation["decided_by"], string> = {
  role_permission: "the admin's role",
  built_in_rule: "a built-in rule",
  filter_hook: "the Filter Hook",
  access_hook: "the Access Hook",
  memberships_query_hook: "the Memberships Query Hook",
  settings_query_hook: "the Settings Query Hook",
};

/** The answer of an evaluation: the verdict, the check that decided, each hook run and its logs. */
export function EvaluationResult({ result }: { result: AccessEvaluation }) {
  return (
    <section className="panel" aria-labelledby="evaluation-verdict">
      <h2 id="evaluation-verdict" tabIndex={-1}>
        <span className={`badge ${result.allowed ? "ok" : "danger"}`}>{result.allowed ? "Allowed" : "Denied"}</span> by{" "}
        {DECIDERS[result.decided_by]}
      </h2>
      {result.message && <p>{result.message}</p>}
      <p className="muted">Evaluated in {result.duration_ms} ms; nothing was written.</p>
      {result.hooks.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Hook runs of the evaluation, in order</caption>
            <thead>
              <tr>
                <th scope="col">Hook</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {result.hooks.map((run, index) => (
                <tr key={index}>
                  <td>{run.hook}</td>
                  <td>{run.outcome === "error" ? "error (denies)" : run.outcome}</td>
                  <td>{run.duration_ms} ms</td>
                  <td>{run.error ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No hook ran: the role or a built-in rule decided first.</p>
      )}
      {result.logs.length > 0 && (
        <>
          <h3>Logs</h3>
          <pre className="logs">
            {result.logs.map((log) => `[${log.hook}] ${log.level}: ${log.message}`).join("\n")}
          </pre>
        </>
      )}
    </section>
  );
}
