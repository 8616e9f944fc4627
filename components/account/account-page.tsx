import type { ReactNode } from "react";
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

/** Why a link cannot be used, in words, with what to do next. */
export function LinkProblem({ message }: { message: string }) {
  return (
    <div role="alert" className="alert">
      {message}
    </div>
  );
}
