import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { memoize } from "@/lib/cache/memo";
import { getPrisma } from "@/lib/db/client";
import { DomainError, fieldError } from "@/lib/errors";
import { hookRequest } from "@/lib/hooks/context";
import { runActiveHook } from "@/lib/hooks/execute";

/** As in DAE, `undefined` in the list reaches the console as `null`: such entries offer nothing and are dropped. */
const membershipList = z
  .array(z.string().min(1).max(100).nullable())
  .max(500)
  .transform((list) => [...new Set(list.filter((membership): membership is string => membership !== null))]);
/** An array, `{ memberships, createMemberships }`, or nothing (no memberships), as DAE's me.js reads it. */
export const membershipsHookResultSchema = z.union([
  membershipList.transform((memberships) => ({ memberships, createMemberships: false })),
  z.object({ memberships: membershipList.nullish().transform((list) => list ?? []), createMemberships: z.boolean().nullish().transform(Boolean) }),
  z.union([z.undefined(), z.null(), z.literal(false), z.literal("")]).transform(() => ({ memberships: [] as string[], createMemberships: false })),
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
  const request = hookRequest(actor);
  const run = await runActiveHook("memberships", [{ request, payload: { user: request.user } }], membershipsHookResultSchema, actor);
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

/**
 * The options as a form shows them: a failing Memberships Query Hook leaves the form usable, without
 * options and with the hook's error (DAE's me.js also answers with no memberships when it fails).
 */
export async function membershipOptionsForForm(actor: Actor): Promise<MembershipOptions & { error: string | null }> {
  try {
    return { ...(await getMembershipOptions(actor)), error: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { memberships: [], createMemberships: false, error: error.message };
  }
}
