"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { deleteUserAction, updateUserAction } from "@/lib/actions/users";
import type { UpdateUserInput } from "@/lib/schemas/user";

/** Verify, block, unblock and delete. Block and delete are not offered on the admin's own account. */
export function UserActions({
  userId,
  email,
  emailVerified,
  blocked,
  isSelf,
}: {
  userId: string;
  email: string;
  emailVerified: boolean;
  blocked: boolean;
  isSelf: boolean;
}) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  const [done, setDone] = useState<string | null>(null);

  function change(changes: UpdateUserInput, message: string) {
    setDone(null);
    run(
      () => updateUserAction({ user_id: userId, changes }),
      () => {
        setDone(message);
        router.refresh();
      },
    );
  }

  return (
    <section aria-label="User actions" className="user-actions">
      <FormAlert error={error} />
      {done && (
        <Notice>
          {done}
        </Notice>
      )}
      <div className="actions">
        {!emailVerified && (
          <button type="button" className="secondary" disabled={pending} onClick={() => change({ email_verified: true }, "The email is marked as verified.")}>
            Mark email verified
          </button>
        )}
        {!isSelf &&
          (blocked ? (
            <button type="button" className="secondary" disabled={pending} onClick={() => change({ blocked: false }, "The user is unblocked.")}>
              Unblock
            </button>
          ) : (
            <button type="button" className="danger" disabled={pending} onClick={() => change({ blocked: true }, "The user is blocked: they can no longer sign in.")}>
              Block
            </button>
          ))}
        {!isSelf && (
          <ConfirmButton
            label="Delete"
            title="Delete this user?"
            description={<>The user {email} will be removed for good. This cannot be undone.</>}
            confirmLabel="Delete user"
            disabled={pending}
            onConfirm={() =>
              run(
                () => deleteUserAction({ user_id: userId }),
                () => router.push(`/users?deleted=${encodeURIComponent(email)}`),
              )
            }
          />
        )}
      </div>
      {isSelf && <p className="muted">This is your own account: you cannot block or delete it.</p>}
    </section>
  );
}
