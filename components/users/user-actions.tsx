"use client";

import { useRouter } from "next/navigation";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { useToast } from "@/components/ui/toast";
import { deleteUserAction, signOutEverywhereAction, updateUserAction } from "@/lib/actions/users";
import type { UpdateUserInput } from "@/lib/schemas/user";

/**
 * Verify, block, unblock and delete. Block and delete ask first; neither is offered on the admin's
 * own account. Results go to the toast region; Block and Unblock replace each other, so focus moves
 * from one to the other (data-focus-key).
 */
export function UserActions({
  userId,
  email,
  emailVerified,
  blocked,
  isSelf,
  texts,
}: {
  userId: string;
  email: string;
  emailVerified: boolean;
  blocked: boolean;
  isSelf: boolean;
  /** The buttons' and questions' texts (the Settings Query Hook's languageDictionary). */
  texts: { block: string; blockTitle: string; unblock: string; delete: string; deleteTitle: string };
}) {
  const router = useRouter();
  const toast = useToast();
  const { error, pending, run } = useAction();

  function change(changes: UpdateUserInput, message: string) {
    run(
      () => updateUserAction({ user_id: userId, changes }),
      () => {
        toast(message);
        router.refresh();
      },
    );
  }

  return (
    <section aria-label="User actions" className="user-actions">
      <FormAlert error={error} />
      <div className="actions">
        {!emailVerified && (
          <button type="button" className="secondary" disabled={pending} onClick={() => change({ email_verified: true }, "The email is marked as verified.")}>
            Mark email verified
          </button>
        )}
        {!isSelf &&
          (blocked ? (
            <button
              type="button"
              className="secondary"
              data-focus-key="block-toggle"
              disabled={pending}
              onClick={() => change({ blocked: false }, "The user is unblocked.")}
            >
              {texts.unblock}
            </button>
          ) : (
            <ConfirmButton
              label={texts.block}
              title={texts.blockTitle}
              description={<>{email} will no longer be able to sign in, and their current sessions end.</>}
              confirmLabel="Block user"
              focusKey="block-toggle"
              disabled={pending}
              onConfirm={() => change({ blocked: true }, "The user is blocked: they can no longer sign in.")}
            />
          ))}
        <ConfirmButton
          label="Sign out everywhere"
          title="Sign this user out everywhere?"
          description={<>Every application session of {email} ends and their refresh tokens stop working; their console sessions end too.</>}
          confirmLabel="Sign out everywhere"
          disabled={pending}
          onConfirm={() =>
            run(
              () => signOutEverywhereAction({ user_id: userId }),
              () => {
                toast("The user is signed out everywhere: applications must sign them in again.");
                router.refresh();
              },
            )
          }
        />
        {!isSelf && (
          <ConfirmButton
            label={texts.delete}
            title={texts.deleteTitle}
            description={
              <>
                The user {email} will be removed: nobody will find it or sign in as it. An Administrator can restore it from Deleted users until
                it is purged, 30 days later unless configured otherwise.
              </>
            }
            confirmLabel="Delete user"
            disabled={pending}
            onConfirm={() =>
              run(
                () => deleteUserAction({ user_id: userId }),
                () => {
                  toast(`The user ${email} was deleted.`);
                  router.push("/users");
                },
              )
            }
          />
        )}
      </div>
      {isSelf && <p className="muted">This is your own account: you cannot block or delete it.</p>}
    </section>
  );
}
