import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getJob } from "@/lib/jobs/jobs";
import { runNextJob } from "@/lib/jobs/runner";
import { createUsersImportJob } from "@/lib/jobs/users-import-job";
import { usersImportJobSchema } from "@/lib/schemas/user-import";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 14: an import survives its process being killed. Another process (tests/helpers/job-runner-process.ts)
 * runs the job and is killed with SIGKILL once some rows are in; every row written then has its record, and
 * the job, claimed again after its heartbeat went stale, writes the other rows, none twice. Needs a database
 * two processes share: the PostgreSQL server (TEST_DATABASE_URL), not the in-memory PGlite.
 */

const server = process.env.TEST_DATABASE_URL;
process.env.DELEGATE_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-import-kill-"));
process.env.NEXTAUTH_SECRET = "users-import-kill-test-secret-0123456789abcdef";

const ROWS = 100;
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

const count = async (jobId: string) => ({
  users: await db().prisma.user.count({ where: { email: { endsWith: "@killed.test" } } }),
  records: await db().prisma.jobRow.count({ where: { jobId } }),
});

describe.skipIf(!server)("an import whose process is killed", () => {
  it("resumes after the last recorded rows: every row written once, none skipped", { timeout: 120_000 }, async () => {
    const connection = await db().prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
    const csv = `email,password,memberships\r\n${Array.from({ length: ROWS }, (_, i) => `k${i + 1}@killed.test,Imported-pass-1!,IT`).join("\r\n")}\r\n`;
    const job = await createUsersImportJob(admins.ian, usersImportJobSchema.parse({ connection_id: connection.id }), new File([csv], "k.csv"));

    const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/job-runner-process.ts"], {
      env: { ...process.env, DATABASE_URL: server },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // Killed once a few rows are in, well before the last.
    for (let seen = 0; seen < 5; seen = (await count(job.id)).records) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const atKill = await count(job.id);
    expect(atKill.records).toBeLessThan(ROWS);
    // Each row committed with its record: as many users as records, whatever the moment of the kill.
    expect(atKill.users).toBe(atKill.records);
    expect((await db().prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("processing");

    // The runner claims a processing job again once its heartbeat is a minute old.
    await db().prisma.$executeRaw`UPDATE jobs SET updated_at = now() - interval '61 seconds' WHERE id = ${job.id}`;
    expect(await runNextJob()).toBe(true);
    expect(await getJob(admins.ian, job.id)).toMatchObject({ status: "completed", rows_done: ROWS, summary: { inserted: ROWS, updated: 0, unchanged: 0, failed: 0, total: ROWS } });
    expect(await count(job.id)).toEqual({ users: ROWS, records: ROWS });
    expect(await db().prisma.auditLog.count({ where: { action: "user.create", targetEmail: { endsWith: "@killed.test" } } })).toBe(ROWS);
    const rows = await db().prisma.jobRow.findMany({ where: { jobId: job.id }, orderBy: { rowIndex: "asc" }, select: { rowIndex: true } });
    expect(rows.map((row) => row.rowIndex)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
  });
});
