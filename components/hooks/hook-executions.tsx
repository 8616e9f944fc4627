import Link from "next/link";
import { Time } from "@/components/ui/time";
import type { HookLogEntry } from "@/lib/hooks/sandbox";
import styles from "./hooks.module.css";

export interface HookExecutionRow {
  id: string;
  createdAt: Date;
  durationMs: number;
  outcome: string;
  error: string | null;
  logs: unknown;
  userId: string | null;
}

const OUTCOMES: Record<string, { label: string; tone: string }> = {
  success: { label: "Succeeded", tone: "ok" },
  error: { label: "Failed", tone: "danger" },
  timeout: { label: "Timed out", tone: "danger" },
  memory: { label: "Out of memory", tone: "danger" },
};

function logsOf(value: unknown): HookLogEntry[] {
  return Array.isArray(value) ? (value as HookLogEntry[]) : [];
}

/** The hook's recent executions with their logs (the Runner's runs are not recorded). */
export function HookExecutions({ executions, name }: { executions: HookExecutionRow[]; name: string }) {
  if (executions.length === 0) {
    return <p className="empty panel">No executions of the {name} are recorded yet.</p>;
  }
  return (
    <div className="table-wrap">
    <table className={styles.executions}>
      <caption className="visually-hidden">Recent executions of the {name}, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Outcome</th>
          <th scope="col">Duration</th>
          <th scope="col">User</th>
          <th scope="col">Error and logs</th>
        </tr>
      </thead>
      <tbody>
        {executions.map((execution) => {
          const outcome = OUTCOMES[execution.outcome] ?? { label: execution.outcome, tone: "" };
          const logs = logsOf(execution.logs);
          return (
            <tr key={execution.id}>
              <td>
                <Time value={execution.createdAt} />
              </td>
              <td>
                <span className={`badge ${outcome.tone}`}>{outcome.label}</span>
              </td>
              <td>{execution.durationMs.toFixed(2)} ms</td>
              <td>
                {execution.userId ? (
                  <Link href={`/users/${execution.userId}`}>
                    <code>{execution.userId.slice(0, 8)}…</code>
                  </Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {execution.error && <div>{execution.error}</div>}
                {logs.length > 0 ? (
                  <details>
                    <summary>
                      {logs.length} log {logs.length === 1 ? "line" : "lines"}
                    </summary>
                    <pre>{logs.map((entry) => `[${entry.level}] ${entry.message}`).join("\n")}</pre>
                  </details>
                ) : (
                  !execution.error && <span className="muted">No logs</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
    </div>
  );
}
