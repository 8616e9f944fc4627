import crypto from "node:crypto";
import path from "node:path";
import type { Actor } from "@/lib/auth/actor";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import type { Job, Prisma } from "@/lib/generated/prisma/client";

export type JobStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const newJobId = () => `job_${Array.from(crypto.randomBytes(16), (byte) => ID_ALPHABET[byte % 62]).join("")}`;

/** Queues a job of a registered type for the runner; `params` is the type's validated input. */
export async function queueJob(actor: Actor, type: string, params: unknown): Promise<Job> {
  const prisma = await getPrisma();
  return prisma.job.create({
    data: { id: newJobId(), type, actorId: actor.id, params: JSON.parse(JSON.stringify(params)) as Prisma.InputJsonObject },
  });
}

/** Where finished jobs keep their files (removed once their download link has expired). */
export const jobFilesDir = () => path.join(getConfig().dataDir, "exports");

