import { redirect } from "next/navigation";
import { getSessionActor } from "@/lib/auth/session";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata = { title: "Sign in · Delegate" };

export const dynamic = "force-dynamic";

export default async function SignInPage() {
  if (await getSessionActor()) redirect("/users");
  return (
    <main className="signin">
      <div className="panel">
        <h1>Sign in to Delegate</h1>
        <SignInForm />
      </div>
    </main>
  );
}
