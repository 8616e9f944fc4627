import { Forbidden } from "@/components/ui/notice";
import { Time } from "@/components/ui/time";
import { CreateTokenForm } from "@/components/tokens/create-token-form";
import { RevokeTokenButton } from "@/components/tokens/revoke-token-button";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { listApiTokens } from "@/lib/tokens/api-tokens";

export const metadata = { title: "API tokens · Delegate" };

export default async function ApiTokensPage() {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) {
    return <Forbidden title="API tokens" message="Only Administrators can manage API tokens." />;
  }
  const tokens = await listApiTokens(actor);
  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        Tokens authenticate scripts against the JSON API at <code>/api/v2</code> (
        <code>Authorization: Bearer &lt;token&gt;</code>). Each token acts as the admin who created it, with that
        admin&apos;s current roles. Only a hash is stored: a token is shown once, when it is created.
      </p>
      <CreateTokenForm />
      <h2>Tokens</h2>
      {tokens.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created by</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{token.createdBy.email}</td>
                <td>
                  <Time value={token.createdAt} />
                </td>
                <td>
                  <Time value={token.lastUsedAt} />
                </td>
                <td>
                  {token.revokedAt ? (
                    <>
                      <span className="badge danger">Revoked</span> <Time value={token.revokedAt} />
                    </>
                  ) : (
                    <RevokeTokenButton tokenId={token.id} name={token.name} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty panel">No API tokens yet.</p>
      )}
    </>
  );
}
