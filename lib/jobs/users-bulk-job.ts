import { loadActor, requirePermission, type Actor, type Channel } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { assertMembershipsAllowed } from "@/lib/departments/memberships";
import { DomainError, fieldError } from "@/lib/errors";
import type { Job } from "@/lib/generated/prisma/client";
import { translateErrorMessage } from "@/lib/hooks/error-translator";
import type { UsersBulkJobInput } from "@/lib/schemas/user-bulk";
import { refusalMessage } from "@/lib/users/bulk";
import { bulkTargets, bulkUserAction, countBulkTargets } from "@/lib/users/bulk-users";
import { userListConditions } from "@/lib/users/list-users";
import { queueJob } from "./queue";
import type { JobHandler } from "./registry";

export const USERS_BULK = "users_bulk";

type StoredParams = UsersBulkJobInput & { channel?: Channel };

/** What `summary` holds while the job runs and once it has finished. */
export interface UsersBulkSummary {
  done: number;
  failed: number;
  /** Users the job goes through; for "all matching", counted when it starts (null until then). */
  total: number | null;
  /** "All matching" covers users created up to this moment (when the job started). */
  started_at?: string;
}

/**
 * `POST /api/v2/jobs/users-bulk` and the console's bulk bar: checks what can be checked at once (permission,
 * the list's search, a membership to add among the admin's options), then queues the job.
 */
export async function createUsersBulkJob(actor: Actor, input: UsersBulkJobInput): Promise<Job> {
  requirePermission(actor, "users:write");
  if (input.query) userListConditions(input.query);
  if (input.action === "add_membership") {
    try {
      await assertMembershipsAllowed(actor, [input.membership!]);
    } catch (error) {
      if (error instanceof DomainError && error.fieldErrors?.memberships) throw fieldError("membership", error.fieldErrors.memberships);
      throw error;
    }
  }
  const params: StoredParams = { ...input, channel: actor.channel };
  return queueJob(actor, USERS_BULK, params);
}

/**
 * Runs a claimed bulk job as its admin, as they are now (read again before each batch of users). Each user's result is written in the transaction of
 * that user's change, so a job claimed again after its process stopped resumes after its last result and never
 * acts twice on a user. A refusal is that user's result (worded by the errorTranslator); the others go on.
 */
export const usersBulkJob: JobHandler = {
  type: USERS_BULK,
  async run({ job, heartbeat, now }) {
    const params = job.params as unknown as StoredParams;
    // The admin as they are now, and again before every batch: blocking them or removing their role stops a long job.
    const currentAdmin = async () => {
      const admin = await loadActor(job.actorId, params.channel ?? "api");
      requirePermission(admin, "users:write");
      return admin;
    };
    let actor = await currentAdmin();
    const prisma = await getPrisma();
    const stored = (job.summary ?? {}) as Partial<UsersBulkSummary>;
    const until = stored.started_at ? new Date(stored.started_at) : now();
    const total = stored.total ?? (await countBulkTargets(actor, params, until));
    const [last] = await prisma.jobResult.findMany({ where: { jobId: job.id }, orderBy: { seq: "desc" }, take: 1 });
    const counts = await prisma.jobResult.groupBy({ by: ["ok"], where: { jobId: job.id }, _count: { _all: true } });
    let done = counts.find((row) => row.ok)?._count._all ?? 0;
    let failed = counts.find((row) => !row.ok)?._count._all ?? 0;
    let seq = last ? last.seq + 1 : 0;
    const summary = (): UsersBulkSummary => ({ done, failed, total, started_at: until.toISOString() });
    await heartbeat(done + failed, { ...summary() });

    let firstBatch = true;
    for await (const batch of bulkTargets(actor, params, last?.userId ?? null, until)) {
      if (!firstBatch) actor = await currentAdmin();
      firstBatch = false;
      for (const target of batch) {
        const result = { jobId: job.id, seq, userId: target.user_id, email: target.email };
        try {
          await bulkUserAction(actor, params, target.user_id, (tx) => tx.jobResult.create({ data: { ...result, ok: true } }));
          done++;
        } catch (error) {
          const message = await translateErrorMessage(actor, refusalMessage(error, target.user_id));
          await prisma.jobResult.create({ data: { ...result, ok: false, message } });
          failed++;
        }
        seq++;
        await heartbeat(done + failed, { ...summary() });
      }
    }
    return { progress: done + failed, summary: { ...summary() } };
  },
  view(job) {
    const params = job.params as Partial<StoredParams>;
    const stored = (job.summary ?? {}) as Partial<UsersBulkSummary>;
    return {
      action: params.action,
      ...(params.membership !== undefined && { membership: params.membership }),
      ...(params.user_ids !== undefined && { user_ids: params.user_ids.length }),
      ...(params.query !== undefined && { query: params.query }),
      summary: { done: stored.done ?? 0, failed: stored.failed ?? 0, total: stored.total ?? params.user_ids?.length ?? null },
    };
  },
};
