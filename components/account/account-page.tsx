import type { ReactNode } from "react";
import { signInReturnSchema } from "@/lib/schemas/account";
import { getTenant } from "@/lib/tenant/tenant";

/** The frame of the users' own pages (not the admin console): the tenant's name and one panel. */
export async function AccountPage({ title, children }: { title: string; children: ReactNode }) {
  const tenant = await getTenant();
  return (
    <main className="signin">
      <div className="panel">
        <p className="muted">{tenant.name}</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** The users' sign-in page this page was opened from (`return_to`), when it is one; otherwise undefined. */
export function signInReturn(value: string | string[] | undefined): string | undefined {
  const parsed = signInReturnSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The way back to the sign-in page (served by the provider, not by Next.js: a plain link). */
export function BackToSignIn({ returnTo }: { returnTo: string | undefined }) {
  return returnTo ? (
    <p>
      <a href={returnTo}>Back to sign-in</a>
    </p>
  ) : null;
}

/** Why a link cannot be used, in words, with what to do next. */
export function LinkProblem({ message }: { message: string }) {
  return (
    <div role="alert" className="alert">
      {message}
    </div>
  );
}
