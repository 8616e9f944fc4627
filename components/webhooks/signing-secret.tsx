"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Time } from "@/components/ui/time";
import { rotateRestHookSecretAction, rotateWebhookSecretAction } from "@/lib/actions/webhooks";
import styles from "./webhooks.module.css";

/** Whose secret: one endpoint's, or the one that signs every REST hook delivery. */
export type SecretOwner = { kind: "endpoint"; id: string } | { kind: "rest-hooks" };

const MASK = "whsec_" + "•".repeat(20);

/** The signing secret, hidden until revealed, with Copy and Rotate (both secrets sign for 24 hours after a rotation). */
export function SigningSecret({
  owner,
  secret,
  previousSecretExpiresAt,
  note,
}: {
  owner: SecretOwner;
  /** Who the secret is for, when it is not obvious. */
  note?: React.ReactNode;
  secret: string;
  previousSecretExpiresAt: string | null;
}) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  const [revealed, setRevealed] = useState(false);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const [rotated, setRotated] = useState(false);

  async function copySecret() {
    // The clipboard API exists only on https:// and localhost pages.
    const written = navigator.clipboard?.writeText(secret) ?? Promise.reject(new Error("no clipboard"));
    await written.then(
      () => setCopy("copied"),
      () => {
        setCopy("failed");
        setRevealed(true);
      },
    );
  }

  function rotate() {
    setRotated(false);
    run(
      () => (owner.kind === "endpoint" ? rotateWebhookSecretAction({ id: owner.id }) : rotateRestHookSecretAction({})),
      () => {
        setRotated(true);
        setCopy("idle");
        router.refresh();
      },
    );
  }

  return (
    <section aria-labelledby="signing-secret-title" className="panel">
      <h2 id="signing-secret-title">Signing secret</h2>
      <p className="muted">
        Requests are signed per the{" "}
        <a href="https://www.standardwebhooks.com/" rel="noreferrer">
          Standard Webhooks
        </a>{" "}
        specification: verify the <code>webhook-signature</code> header with this secret (e.g. with the{" "}
        <code>standardwebhooks</code> library).
      </p>
      {note && <p className="muted">{note}</p>}
      <FormAlert error={error} />
      {rotated && (
        <Notice>
          A new secret signs from now on. The previous one also signs for 24 hours.
        </Notice>
      )}
      <div className={styles.secretLine}>
        <code aria-label="Signing secret value">{revealed ? secret : MASK}</code>
        <button type="button" className="secondary" onClick={() => setRevealed((value) => !value)}>
          {revealed ? "Hide secret" : "Reveal secret"}
        </button>
        <button type="button" className="secondary" onClick={copySecret}>
          {copy === "copied" ? "Copied" : "Copy secret"}
        </button>
        <ConfirmButton
          label="Rotate secret"
          title="Rotate the signing secret?"
          description={
            <>
              A new secret signs every request from now on. For 24 hours the current secret keeps signing beside it
              (each request carries two signatures), so receivers can switch to the new secret without rejecting
              events.
            </>
          }
          confirmLabel="Rotate secret"
          className="secondary"
          disabled={pending}
          onConfirm={rotate}
        />
      </div>
      {copy === "failed" && (
        <p role="alert" className="field-error">
          The browser did not allow copying: select the secret above and copy it yourself.
        </p>
      )}
      {previousSecretExpiresAt && (
        <p className="muted">
          The previous secret also signs until <Time value={previousSecretExpiresAt} />: each request carries both
          signatures until then.
        </p>
      )}
    </section>
  );
}
