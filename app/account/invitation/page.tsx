import { AccountPage, LinkProblem } from "@/components/account/account-page";
import { NewPasswordForm } from "@/components/account/new-password-form";
import { linkPage } from "@/lib/account/link-page";
import { acceptInvitationAction } from "@/lib/actions/account";

export const dynamic = "force-dynamic";
// The token is in the URL: no Referer header may carry it elsewhere.
export const metadata = { referrer: "no-referrer" as const };

export default async function InvitationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const page = await linkPage("invitation", (await searchParams).token);
  return (
    <AccountPage title="Choose your password">
      {page.ok ? (
        <>
          <p>
            Your account is <strong>{page.email}</strong>. Choose a password to finish setting it up.
          </p>
          <NewPasswordForm token={page.token} email={page.email} policy={page.policy} submitLabel="Set my password" action={acceptInvitationAction} />
        </>
      ) : (
        <LinkProblem message={page.message} />
      )}
    </AccountPage>
  );
}
