"use client";

import { useRouter } from "next/navigation";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { useToast } from "@/components/ui/toast";
import type { ActionResult } from "@/lib/actions/safe-action";
import { resendInvitationAction, revokeInvitationAction, sendPasswordResetAction, sendVerificationEmailAction } from "@/lib/actions/account-links";

/** The mails an admin sends a user: password reset, verification, the invitation again, or its revocation. */
export function AccountLinkActions({ userId, email, invited }: { userId: string; email: string; invited: boolean }) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  const toast = useToast();

  function send(action: (input: { user_id: string }) => Promise<ActionResult<null>>, message: string) {
    run(
      () => action({ user_id: userId }),
      () => {
        toast(message);
        router.refresh();
      },
    );
  }

  return (
    <section aria-label="Account mails" className="user-actions">
      <FormAlert error={error} />
      <div className="actions">
        {invited ? (
          <>
            <button type="button" className="secondary" disabled={pending} onClick={() => send(resendInvitationAction, `A new invitation is on its way to ${email}; the previous link no longer works.`)}>
              Resend invitation
            </button>
            <button type="button" className="secondary" disabled={pending} onClick={() => send(revokeInvitationAction, "The invitation is revoked: its link no longer works.")}>
              Revoke invitation
            </button>
          </>
        ) : (
          <button type="button" className="secondary" disabled={pending} onClick={() => send(sendPasswordResetAction, `A password reset email is on its way to ${email}.`)}>
            Send password reset email
          </button>
        )}
        <button type="button" className="secondary" disabled={pending} onClick={() => send(sendVerificationEmailAction, `A verification email is on its way to ${email}.`)}>
          Send verification email
        </button>
      </div>
    </section>
  );
}
