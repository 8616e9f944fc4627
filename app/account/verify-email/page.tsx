import { AccountPage, LinkProblem } from "@/components/account/account-page";
import { VerifyEmailForm } from "@/components/account/verify-email-form";
import { linkPage } from "@/lib/account/link-page";

export const dynamic = "force-dynamic";
// The token is in the URL: no Referer header may carry it elsewhere.
export const metadata = { referrer: "no-referrer" as const };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const page = await linkPage("email_verification", (await searchParams).token);
  return (
    <AccountPage title="Verify your email address">
      {page.ok ? (
        <>
          <p>
            Confirm that <strong>{page.email}</strong> is your address.
          </p>
          <VerifyEmailForm token={page.token} />
        </>
      ) : (
        <LinkProblem message={page.message} />
      )}
    </AccountPage>
  );
}
