import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { Time } from "@/components/ui/time";
import { webhooksActor } from "@/components/webhooks/admin";
import { RemoveSubscriptionButton } from "@/components/webhooks/remove-subscription-button";
import { SigningSecret } from "@/components/webhooks/signing-secret";
import { SubscriptionCreatorText } from "@/components/webhooks/subscription-creator";
import { SubscriptionStatus } from "@/components/webhooks/subscription-status";
import styles from "@/components/webhooks/webhooks.module.css";
import { getConfig } from "@/lib/config";
import { listRestHookSubscriptionsWithCreators } from "@/lib/rest-hooks/list-subscriptions-with-creators";
import { getRestHookSigningSecret } from "@/lib/rest-hooks/signing-secret";

export const metadata = { title: "REST hooks · Webhooks · Delegate" };

const SUBSCRIPTIONS_PATH = "/api/v1/rest_hooks/user_registered/subscriptions";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RestHooksPage({ searchParams }: Props) {
  const actor = await webhooksActor();
  if (!actor) return null;
  const [subscriptions, secret] = await Promise.all([listRestHookSubscriptionsWithCreators(actor), getRestHookSigningSecret(actor)]);
  const base = getConfig().publicUrl.replace(/\/$/, "");
  const removed = (await searchParams).removed;

  return (
    <>
      <h1>REST hooks</h1>
      <p className="muted">
        Other systems subscribe a URL to the <strong>User Registered</strong> REST hook through the API; each new user is
        then POSTed to every active subscriber. A subscriber that answers <code>410 Gone</code> is unsubscribed.
      </p>
      {typeof removed === "string" && <Notice>Subscription {removed} is removed.</Notice>}

      <section aria-labelledby="subscriptions-title">
        <h2 id="subscriptions-title">Subscriptions</h2>
        {subscriptions.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">ID</th>
                  <th scope="col">URL</th>
                  <th scope="col">Created</th>
                  <th scope="col">Created by token</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {subscriptions.map((subscription) => (
                  <tr key={subscription.id}>
                    <th scope="row">
                      <Link href={`/webhooks/rest-hooks/${subscription.id}`}>
                        <span className="visually-hidden">Subscription </span>
                        {subscription.id}
                      </Link>
                    </th>
                    <td className="detail">
                      {subscription.url}
                      {subscription.hasAuthorizationToken && <div className="muted">Sends an authorization token</div>}
                    </td>
                    <td>
                      <Time value={subscription.createdAt} />
                    </td>
                    <td>
                      <SubscriptionCreatorText creator={subscription.createdBy} />
                    </td>
                    <td>
                      <SubscriptionStatus subscription={subscription} />
                    </td>
                    <td>{!subscription.deletedAt && <RemoveSubscriptionButton id={subscription.id} url={subscription.url} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="empty panel">No subscriptions yet: they are created through the API below.</p>
        )}
      </section>

      <div className={`${styles.columns} ${styles.spaced}`}>
        <section aria-labelledby="api-title" className={`panel ${styles.help}`}>
          <h2 id="api-title">Subscription API</h2>
          <p>
            Authenticate with an <Link href="/settings/api-tokens">API token</Link> of an Administrator, in the header{" "}
            <code>Authorization: Token token=&lt;API token&gt;</code>.
          </p>
          <h3>Subscribe</h3>
          <pre>{`POST ${base}${SUBSCRIPTIONS_PATH}
Authorization: Token token=<API token>
Content-Type: application/json

{ "url": "https://example.com/hooks/user-registered",
  "authorization_token": "optional, sent back to you" }

→ 201 { "id": "12" }   (422 when the URL is invalid, 401 without a valid token)`}</pre>
          <h3>Unsubscribe</h3>
          <pre>{`DELETE ${base}${SUBSCRIPTIONS_PATH}/12
Authorization: Token token=<API token>

→ 204   (404 when there is no such subscription)`}</pre>
          <h3>What subscribers receive</h3>
          <p>
            A POST of the new user as JSON (<code>name</code>, <code>first_name</code>, <code>last_name</code>,{" "}
            <code>email</code>, <code>title</code>, <code>professional_reg_number</code>, <code>company</code>,{" "}
            <code>country</code>, <code>type</code>, <code>created_at</code>, <code>updated_at</code>,{" "}
            <code>confirmed</code>, <code>confirmed_at</code>) with the headers <code>Accept: application/json</code>,{" "}
            <code>X-Zapnito-Hostname</code>, <code>Authorization: Token token=&lt;authorization_token&gt;</code> when
            one was given, and the Standard Webhooks signature headers, signed with the secret beside.
          </p>
        </section>
        <SigningSecret
          owner={{ kind: "rest-hooks" }}
          note="Subscribers get no secret of their own from the API: this one secret signs every REST hook delivery. Give it to the subscribers that verify signatures."
          secret={secret.secret}
          previousSecretExpiresAt={secret.previousSecretExpiresAt?.toISOString() ?? null}
        />
      </div>
    </>
  );
}
