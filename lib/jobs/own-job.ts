import { can, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { Job } from "@/lib/generated/prisma/client";

const NOT_FOUND = "No job has this id, or it was created by another admin.";

/** One job of its creator (or any job, for an Administrator); anyone else gets the 404 of a job that does not exist. */
export async function findOwnJob(actor: Actor, id: string): Promise<Job> {
  const prisma = await getPrisma();
  const job = await prisma.job.findFirst({ where: can(actor, "config:manage") ? { id } : { id, actorId: actor.id } });
  if (!job) throw new DomainError("not_found", NOT_FOUND);
  return job;
}
