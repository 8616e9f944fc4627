import Link from "next/link";
import { AccountPage, BackToSignIn, LinkProblem, signInReturn } from "@/components/account/account-page";
import { NewPasswordForm } from "@/components/account/new-password-form";
import { linkPage } from "@/lib/account/link-page";
import { resetPasswordAction } from "@/lib/actions/account";

export const dynamic = "force-dynamic";
// The token is in the URL: no Referer header may carry it elsewhere.
export const metadata = { referrer: "no-referrer" as const };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const page = await linkPage("password_reset", params.token);
  const returnTo = signInReturn(params.return_to);
  return (
    <AccountPage title="Choose a new password">
      {page.ok ? (
        <>
          <p>
            For <strong>{page.email}</strong>. Saving it signs you out everywhere.
          </p>
          <NewPasswordForm token={page.token} email={page.email} policy={page.policy} submitLabel="Change my password" action={resetPasswordAction} />
          <BackToSignIn returnTo={returnTo} />
        </>
      ) : (
        <>
          <LinkProblem message={page.message} />
          <p>
            <Link href={returnTo ? `/account/forgot-password?${new URLSearchParams({ return_to: returnTo })}` : "/account/forgot-password"}>Ask for a new link</Link>
          </p>
        </>
      )}
    </AccountPage>
  );
}
