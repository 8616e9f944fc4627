"use client";

import { useRouter } from "next/navigation";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { revokeApiTokenAction } from "@/lib/actions/api-tokens";

export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const router = useRouter();
  const { error, pending, run } = useAction();
  return (
    <>
      <FormAlert error={error} />
      <ConfirmButton
        label="Revoke"
        title="Revoke this token?"
        description={<>Requests with the token {name} will be refused from now on. This cannot be undone.</>}
        confirmLabel="Revoke token"
        disabled={pending}
        onConfirm={() => run(() => revokeApiTokenAction({ token_id: tokenId }), () => router.refresh())}
      />
    </>
  );
}
