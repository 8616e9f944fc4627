"use client";

import { useRouter } from "next/navigation";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { useToast } from "@/components/ui/toast";
import { restoreUserAction } from "@/lib/actions/users";

/** Restores one deleted user (asks first); the result goes to the toast region, a refusal (409: email taken) next to the button. */
export function RestoreUserButton({ userId, email }: { userId: string; email: string }) {
  const router = useRouter();
  const toast = useToast();
  const { error, pending, run } = useAction();
  return (
    <>
      <ConfirmButton
        label="Restore"
        title="Restore this user?"
        description={<>The user {email} comes back with the properties, metadata and memberships it had. It signs in again with its old password.</>}
        confirmLabel="Restore user"
        className="secondary"
        disabled={pending}
        onConfirm={() =>
          run(
            () => restoreUserAction({ user_id: userId }),
            (restored) => {
              toast(`The user ${restored.email} was restored.`);
              router.push(`/users/${userId}`);
            },
          )
        }
      />
      <FormAlert error={error} />
    </>
  );
}
