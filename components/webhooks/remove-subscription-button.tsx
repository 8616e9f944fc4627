"use client";

import { useRouter } from "next/navigation";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { deleteRestHookSubscriptionAction } from "@/lib/actions/webhooks";

export function RemoveSubscriptionButton({ id, url, after }: { id: string; url: string; after?: string }) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  return (
    <>
      <FormAlert error={error} />
      <ConfirmButton
        label="Remove"
        title={`Remove subscription ${id}?`}
        description={<>{url} will receive no more User Registered notifications; pending ones are dropped. The subscriber can subscribe again through the API.</>}
        confirmLabel="Remove subscription"
        disabled={pending}
        onConfirm={() =>
          run(
            () => deleteRestHookSubscriptionAction({ id }),
            () => (after ? router.push(after) : router.refresh()),
          )
        }
      />
    </>
  );
}
