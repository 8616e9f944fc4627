import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { loadActor, requirePermission, type Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { fieldError } from "@/lib/errors";
import type { Job } from "@/lib/generated/prisma/client";
import type { UsersExportJobInput } from "@/lib/schemas/user-export";
import { exportColumns, exportUsers } from "@/lib/users/export-users";
import { userListConditions } from "@/lib/users/list-users";
import { DOWNLOAD_LINK_TTL_MS } from "./download-link";
import { jobFilesDir, queueJob } from "./queue";
import type { JobHandler } from "./registry";

export const USERS_EXPORT = "users_export";

/**
 * `POST /api/v2/jobs/users-exports`: checks what can be checked at once (permission, fields, the query,
 * the connection), then queues the job; the server's job runner writes the file (lib/jobs/runner.ts).
 */
export async function createUsersExportJob(actor: Actor, input: UsersExportJobInput): Promise<Job> {
  requirePermission(actor, "users:read");
  exportColumns(input.fields);
  userListConditions({ ...input, search: undefined });
  const prisma = await getPrisma();
  if (input.connection_id && !(await prisma.connection.findUnique({ where: { id: input.connection_id }, select: { id: true } }))) {
    throw fieldError("connection_id", `No connection has the id "${input.connection_id}".`);
  }
  return queueJob(actor, USERS_EXPORT, input);
}

/**
 * Runs a claimed export as its admin, as they are now (a blocked admin or a removed role fails the job),
 * into a file in the data directory. A resumed export starts over: the file is written whole or not at all.
 */
export const usersExportJob: JobHandler = {
  type: USERS_EXPORT,
  async run({ job, heartbeat, now }) {
    const actor = await loadActor(job.actorId, "api");
    const input = job.params as unknown as UsersExportJobInput;
    let rows = 0;
    const exported = await exportUsers(actor, { ...input, search: undefined }, {
      onProgress: async (written) => {
        rows = written;
        await heartbeat(written);
      },
    });
    const file = path.join(jobFilesDir(), `${job.id}.${input.format === "csv" ? "csv" : "ndjson"}`);
    await fs.promises.mkdir(jobFilesDir(), { recursive: true });
    // A cancelled or failed export leaves no partial file behind.
    await pipeline(Readable.from(exported.chunks), fs.createWriteStream(`${file}.part`)).catch(async (error: unknown) => {
      await fs.promises.rm(`${file}.part`, { force: true });
      throw error;
    });
    await fs.promises.rename(`${file}.part`, file);
    // Whole seconds: the link carries its expiry in seconds.
    const expiresAt = new Date(Math.floor((now().getTime() + DOWNLOAD_LINK_TTL_MS) / 1000) * 1000);
    return { progress: rows, summary: { rows }, resultPath: file, expiresAt };
  },
  view(job) {
    const params = job.params as Partial<UsersExportJobInput>;
    return {
      ...(params.connection_id !== undefined && { connection_id: params.connection_id }),
      format: params.format,
      ...(params.limit !== undefined && { limit: params.limit }),
      ...(params.fields !== undefined && { fields: params.fields }),
      rows_exported: job.progress,
    };
  },
};
