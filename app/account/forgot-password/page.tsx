import { AccountPage } from "@/components/account/account-page";
import { ForgotPasswordForm } from "@/components/account/forgot-password-form";

export const dynamic = "force-dynamic";

export default function ForgotPasswordPage() {
  return (
    <AccountPage title="Forgot your password?">
      <p>Enter the email address of your account. We will send you a link to choose a new password.</p>
      <ForgotPasswordForm />
    </AccountPage>
  );
}
