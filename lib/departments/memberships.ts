import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { memoize } from "@/lib/cache/memo";
import { getPrisma } from "@/lib/db/client";
import { fieldError } from "@/lib/errors";
import { hookRequest } from "@/lib/hooks/context";
import { runActiveHook } from "@/lib/hooks/execute";

const membershipList = z.array(z.string().min(1).max(100)).max(500);
export const membershipsHookResultSchema = z.union([
  membershipList.transform((memberships) => ({ memberships, createMemberships: false })),
  z.object({ memberships: membershipList, createMemberships: z.boolean().default(false) }),
]);

export interface MembershipOptions {
  memberships: string[];
  /** The admin may also type memberships that are not in the list. */
  createMemberships: boolean;
}

const departmentNames = memoize(5_000, async () => {
  const prisma = await getPrisma();
  const departments = await prisma.department.findMany({ orderBy: { name: "asc" }, select: { name: true } });
  return departments.map((d) => d.name);
});

/** The options of the Memberships field: the Memberships Query Hook's answer, or the department list. */
export async function getMembershipOptions(actor: Actor): Promise<MembershipOptions> {
  const run = await runActiveHook("memberships", [{ request: hookRequest(actor), payload: { user: actor.profile } }], membershipsHookResultSchema);
  if (run.configured) return run.result;
  return { memberships: await departmentNames.get(), createMemberships: false };
}

export async function listMembershipOptions(actor: Actor): Promise<string[]> {
  return (await getMembershipOptions(actor)).memberships;
}

export async function assertMembershipsAllowed(actor: Actor, memberships: readonly string[]): Promise<void> {
  if (memberships.length === 0) return;
  const options = await getMembershipOptions(actor);
  if (options.createMemberships) return;
  const allowed = new Set(options.memberships);
  const refused = memberships.filter((m) => !allowed.has(m));
  if (refused.length > 0) {
    throw fieldError("memberships", `Not a membership you can assign: ${refused.join(", ")}.`);
  }
}
