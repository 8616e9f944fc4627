import { AccountPage, BackToSignIn, signInReturn } from "@/components/account/account-page";
import { ForgotPasswordForm } from "@/components/account/forgot-password-form";

export const dynamic = "force-dynamic";

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const returnTo = signInReturn((await searchParams).return_to);
  return (
    <AccountPage title="Forgot your password?">
      <p>Enter the email address of your account. We will send you a link to choose a new password.</p>
      <ForgotPasswordForm returnTo={returnTo} />
      <BackToSignIn returnTo={returnTo} />
    </AccountPage>
  );
}
