import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { DomainError } from "@/lib/errors";
import { loadActor, type Actor } from "./actor";
import { authOptions } from "./next-auth";
import { requestInfoFrom } from "./request-info";

/** The signed-in admin of this request, or null (no session, blocked, or no admin role any more). */
export async function getSessionActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions());
  const { id, sessionGeneration } = (session?.user ?? {}) as { id?: string; sessionGeneration?: unknown };
  if (!id || typeof sessionGeneration !== "number") return null;
  try {
    return await loadActor(id, "console", requestInfoFrom(await headers()), undefined, sessionGeneration);
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

/** For pages: the signed-in admin, or a redirect to the sign-in form. */
export async function requireSessionActor(): Promise<Actor> {
  const actor = await getSessionActor();
  if (!actor) redirect("/signin");
  return actor;
}
