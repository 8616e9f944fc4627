"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/forms/use-action";
import { ConfirmDialog, type ConfirmQuestion } from "@/components/ui/confirm-dialog";
import { MenuButton, type MenuItem } from "@/components/ui/menu-button";
import { useToast } from "@/components/ui/toast";
import type { ActionResult } from "@/lib/actions/safe-action";
import { deleteUserAction, updateUserAction } from "@/lib/actions/users";

/**
 * A users-list row's menu: Block (asks first) or Unblock, and Delete (asks first), the same server actions
 * and checks as the user page's buttons. Results and refusals go to the toast region.
 */
export function UserRowMenu({ userId, email, blocked }: { userId: string; email: string; blocked: boolean }) {
  const router = useRouter();
  const toast = useToast();
  const { pending, run } = useAction();
  const [asking, setAsking] = useState<(ConfirmQuestion & { act(): void }) | null>(null);

  function perform<T>(call: () => Promise<ActionResult<T>>, done: string) {
    run(
      async () => {
        const result = await call();
        if (!result.ok) toast(`${email}: ${result.error.message}`, { warning: true });
        return result;
      },
      () => {
        toast(done);
        router.refresh();
      },
    );
  }

  const block = () => perform(() => updateUserAction({ user_id: userId, changes: { blocked: true } }), `${email} is blocked: they can no longer sign in.`);
  const unblock = () => perform(() => updateUserAction({ user_id: userId, changes: { blocked: false } }), `${email} is unblocked.`);
  const remove = () => perform(() => deleteUserAction({ user_id: userId }), `The user ${email} was deleted.`);

  const items: MenuItem[] = [
    blocked
      ? { label: "Unblock", onSelect: unblock }
      : {
          label: "Block",
          danger: true,
          onSelect: () =>
            setAsking({
              title: "Block this user?",
              description: <>{email} will no longer be able to sign in, and their current sessions end.</>,
              confirmLabel: "Block user",
              act: block,
            }),
        },
    {
      label: "Delete",
      danger: true,
      onSelect: () =>
        setAsking({
          title: "Delete this user?",
          description: <>The user {email} will be removed for good. This cannot be undone.</>,
          confirmLabel: "Delete user",
          act: remove,
        }),
    },
  ];

  return (
    <>
      <MenuButton label="⋯" name={`Actions for ${email}`} items={items} disabled={pending} />
      <ConfirmDialog
        question={asking}
        onAnswer={(confirmed) => {
          const act = asking?.act;
          setAsking(null);
          if (confirmed) act?.();
        }}
      />
    </>
  );
}
