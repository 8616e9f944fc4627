import { Time } from "@/components/ui/time";
import type { GrantedApplication, SignInEntry } from "@/lib/oidc/user-activity";

const REASONS: Record<string, string> = {
  credentials: "wrong password",
  blocked: "blocked",
  not_allowed: "not admitted to the application",
};

/** The user's recent sign-ins to applications (null: the admin may not read this user's logs) and granted applications. */
export function ApplicationActivity({
  signIns,
  granted,
  email,
}: {
  signIns: SignInEntry[] | null;
  /** Or why they are not shown (the Access Hook refused or failed). */
  granted: GrantedApplication[] | { refused: string };
  email: string;
}) {
  return (
    <>
      {signIns && (
        <section aria-labelledby="sign-ins-title">
          <h2 id="sign-ins-title">Recent sign-ins</h2>
          {signIns.length ? (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{`Recent sign-ins of ${email} to applications`}</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Application</th>
                    <th scope="col">From</th>
                    <th scope="col">Result</th>
                  </tr>
                </thead>
                <tbody>
                  {signIns.map((entry, index) => (
                    <tr key={`${entry.at}-${index}`}>
                      <td>
                        <Time value={entry.at} />
                      </td>
                      <td>{entry.application}</td>
                      <td>{entry.ipAddress ?? <span className="muted">—</span>}</td>
                      <td>
                        {entry.result === "success" ? (
                          <span className="badge ok">Signed in</span>
                        ) : (
                          <span className="badge danger">Refused{entry.reason ? `: ${REASONS[entry.reason] ?? entry.reason}` : ""}</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="empty panel">This user has not signed in to an application yet.</p>
          )}
        </section>
      )}
      <section aria-labelledby="granted-title">
        <h2 id="granted-title">Applications</h2>
        {"refused" in granted ? (
          <p className="empty panel">{granted.refused}</p>
        ) : granted.length ? (
          <ul>
            {granted.map((app) => (
              <li key={app.clientId}>
                <strong>{app.name}</strong> <span className="muted">({app.scope || "openid"}; since <Time value={app.grantedAt} />)</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty panel">No application holds a grant for this user.</p>
        )}
      </section>
    </>
  );
}
