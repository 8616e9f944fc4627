import { can, type Actor } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";

/** The signed-in Administrator, or null (the webhooks layout then shows why the page is refused). */
export async function webhooksActor(): Promise<Actor | null> {
  const actor = await requireSessionActor();
  return can(actor, "config:manage") ? actor : null;
}
