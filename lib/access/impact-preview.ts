/**
 * "What would deploying this draft change?": for every admin (or the chosen ones), the draft of a Filter,
 * Access, Memberships Query or Settings Query Hook against the deployed version. Filter drafts are
 * compared in SQL with the list's own condition (lib/access/impact-visibility.ts); the other kinds run
 * the hook twice per admin (lib/access/impact-decisions.ts). Nothing is written. After the time limit no
 * further admin is started and the answer says `partial`. The console's Preview impact streams the progress
 * (lib/access/impact-stream.ts).
 */
import { requirePermission, type Actor } from "@/lib/auth/actor";
import { adminRolesOf, permissionsOf } from "@/lib/auth/roles";
import { getPrisma } from "@/lib/db/client";
import { notFound, parseInput } from "@/lib/errors";
import { withinEvaluation, type DraftHook } from "@/lib/hooks/evaluation-scope";
import { HOOK_NAMES } from "@/lib/hooks/kinds";
import {
  IMPACT_MAX_ADMINS,
  impactPreviewSchema,
  type AdminImpact,
  type ImpactPreview,
  type ImpactPreviewInput,
  type ImpactPreviewOptions,
} from "@/lib/schemas/impact";
import { toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";
import { actionsImpact, membershipsImpact, sampleUsers, settingsImpact } from "./impact-decisions";
import { summarize } from "./impact-summary";
import { VisibilityCounter, visibilitySide } from "./impact-visibility";

export interface ImpactProgress {
  done: number;
  total: number;
}

export interface ImpactRunOptions {
  onProgress?: (progress: ImpactProgress) => void;
  /** Stops starting admins, as the time limit does (the console's request went away). */
  signal?: AbortSignal;
}

/** Admins previewed at once: their hook runs share the hook threads, their counts the database. */
const CONCURRENCY = 4;


export async function previewImpact(
  evaluator: Actor,
  rawInput: ImpactPreviewInput,
  { onProgress, signal }: ImpactRunOptions = {},
): Promise<ImpactPreview> {
  requirePermission(evaluator, "access:evaluate");
  // A draft is code that has not been deployed: only those who may deploy hooks may run it.
  requirePermission(evaluator, "config:manage");
  const input = parseInput(impactPreviewSchema, rawInput);
  const startedAt = performance.now();
  const deadline = startedAt + input.time_limit_ms;
  const prisma = await getPrisma();
  const deployed = await prisma.hook.findUnique({ where: { kind: input.kind }, select: { deployedVersion: true, timeoutMs: true } });
  const draft = await draftOf(input, deployed?.timeoutMs ?? 500);
  const admins = await previewedAdmins(input.admins);
  const context: PreviewContext = {
    draft,
    counter: new VisibilityCounter(),
    sample: input.kind === "access" ? await sampleUsers(input.sample_size) : [],
  };

  const results: (AdminImpact | undefined)[] = new Array(admins.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < admins.length && performance.now() < deadline && !signal?.aborted) {
      const index = next++;
      results[index] = await adminImpact(admins[index], context);
      onProgress?.({ done: ++done, total: admins.length });
    }
  };
  // Every run is in the evaluator's lane: a slow draft costs them hook threads, not the admins previewed.
  await withinEvaluation([], () => Promise.all(Array.from({ length: Math.min(CONCURRENCY, admins.length) }, worker)), {
    lane: evaluator.id,
  });
  const finished = results.filter((result): result is AdminImpact => result !== undefined);
  return {
    kind: input.kind,
    version: input.version ?? null,
    deployed_version: deployed?.deployedVersion ?? null,
    admins_total: admins.length,
    admins_done: finished.length,
    partial: finished.length < admins.length,
    time_limit_ms: input.time_limit_ms,
    duration_ms: Math.round(performance.now() - startedAt),
    admins: finished,
  };
}

async function draftOf(input: ImpactPreviewOptions, deployedTimeoutMs: number): Promise<DraftHook> {
  if (input.code !== undefined) return { kind: input.kind, code: input.code, timeoutMs: input.timeout_ms ?? deployedTimeoutMs };
  const prisma = await getPrisma();
  const version = await prisma.hookVersion.findUnique({
    where: { kind_version: { kind: input.kind, version: input.version! } },
    select: { code: true, timeoutMs: true },
  });
  if (!version) throw notFound(`There is no version ${input.version} of the ${HOOK_NAMES[input.kind]}.`);
  return { kind: input.kind, code: version.code, timeoutMs: input.timeout_ms ?? version.timeoutMs };
}

/**
 * The chosen admins (an unknown id is a 404), or every user with a Delegated Admin role, by email: their
 * profiles in one query, as `loadActor` reads one (it would cost a query per admin).
 */
async function previewedAdmins(ids: string[] | undefined): Promise<UserProfile[]> {
  const prisma = await getPrisma();
  const chosen = ids
    ? [...new Set(ids)]
    : (
        await prisma.$queryRaw<{ id: string }[]>`
          SELECT id::text AS id FROM users
          WHERE jsonb_typeof(app_metadata->'roles') = 'array' AND jsonb_array_length(app_metadata->'roles') > 0
          ORDER BY email LIMIT ${IMPACT_MAX_ADMINS}`
      ).map((row) => row.id);
  const rows = await prisma.user.findMany({ where: { id: { in: chosen } }, select: userSelect });
  if (rows.length < chosen.length) throw notFound("There is no admin with this id.");
  const byId = new Map(rows.map((row) => [row.id, toUserProfile(row)]));
  return chosen.map((id) => byId.get(id)!);
}

interface PreviewContext {
  draft: DraftHook;
  counter: VisibilityCounter;
  sample: UserProfile[];
}

/** The admin as `loadActor` makes them, from a profile loaded with the others (blocks and roles checked by the caller). */
function actorOf(profile: UserProfile): Actor {
  const roles = adminRolesOf(profile.app_metadata);
  return { id: profile.user_id, email: profile.email, roles, permissions: permissionsOf(roles), profile, channel: "console" };
}

const NONE = { visibility: null, actions: null, memberships: null, settings: null };

async function adminImpact(admin: UserProfile, context: PreviewContext): Promise<AdminImpact> {
  const label = admin.name ?? admin.email;
  const who = { id: admin.user_id, email: admin.email, name: admin.name };
  // A blocked admin or one without a role cannot use the console with either version.
  const unusable = adminRolesOf(admin.app_metadata).length === 0 ? "no Delegated Admin role" : admin.blocked ? "blocked" : null;
  if (unusable) {
    const impact = { ...NONE, error: `not previewed (${unusable})` };
    return { admin: who, ...impact, ...summarize(label, impact) };
  }
  const impact = { ...NONE, error: null, ...(await kindImpact(actorOf(admin), context)) };
  return { admin: who, ...impact, ...summarize(label, impact) };
}

async function kindImpact(actor: Actor, { draft, counter, sample }: PreviewContext): Promise<Partial<AdminImpact>> {
  switch (draft.kind) {
    case "filter": {
      const [before, after] = await Promise.all([visibilitySide(actor, []), visibilitySide(actor, [draft])]);
      return { visibility: await counter.compare(before, after) };
    }
    case "access":
      return { actions: await actionsImpact(actor, draft, sample) };
    case "memberships":
      return { memberships: await membershipsImpact(actor, draft) };
    default:
      return { settings: await settingsImpact(actor, draft) };
  }
}
