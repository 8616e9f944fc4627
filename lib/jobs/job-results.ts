import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { JobResultsQuery } from "@/lib/schemas/user-bulk";
import { findOwnJob } from "./own-job";
import { USERS_BULK } from "./users-bulk-job";

export interface JobResultView {
  user_id: string;
  /** Null when the admin may not read the user. */
  email: string | null;
  status: "done" | "failed";
  message?: string;
}

/** `GET /api/v2/jobs/{id}/results`: a bulk job's per-user results (so far), in the order it went through them. */
export async function listJobResults(actor: Actor, jobId: string, query: JobResultsQuery) {
  const job = await findOwnJob(actor, jobId);
  if (job.type !== USERS_BULK) throw new DomainError("validation", `A ${job.type} job has no per-user results.`);
  const prisma = await getPrisma();
  const rows = await prisma.jobResult.findMany({
    where: { jobId, seq: { gte: query.from }, ...(query.status && { ok: query.status === "done" }) },
    orderBy: { seq: "asc" },
    take: query.take + 1,
  });
  const page = rows.slice(0, query.take);
  return {
    results: page.map(
      (row): JobResultView => ({
        user_id: row.userId,
        email: row.email,
        status: row.ok ? "done" : "failed",
        ...(row.message !== null && { message: row.message }),
      }),
    ),
    /** `from` for the next page; null on the last one. */
    next: rows.length > query.take ? rows[query.take].seq : null,
  };
}
