import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as downloadRoute from "@/app/api/v2/jobs/[id]/download/route";
import * as cancelRoute from "@/app/api/v2/jobs/[id]/cancel/route";
import * as jobRoute from "@/app/api/v2/jobs/[id]/route";
import * as exportsRoute from "@/app/api/v2/jobs/users-exports/route";
import type { Actor } from "@/lib/auth/actor";
import { openApiDocument } from "@/lib/api/openapi";
import { clearAllMemos } from "@/lib/cache/memo";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { JobStopped, kickJobs, removeExpiredFiles, runNextJob } from "@/lib/jobs/runner";
import { usersExportJob } from "@/lib/jobs/users-export-job";
import { jobDownload } from "@/lib/jobs/jobs";
import { jobFilesDir, queueJob } from "@/lib/jobs/queue";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor } from "./api-client";

/*
 * Issue 14: Auth0's export job. POST answers 201 with a pending job, the server's runner writes the file,
 * GET gives its signed `location` (valid one hour), only to its creator or an Administrator.
 */

process.env.DELEGATE_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-jobs-"));
process.env.NEXTAUTH_SECRET = "users-export-jobs-test-secret-0123456789abcdef";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const tokens = {} as Record<"kelly" | "olga" | "ian", string>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  const prisma = db().prisma;
  const main = await prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
  clearAllMemos();
  const base = { connectionId: main.id, passwordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$jobtesthash" };
  await prisma.user.createMany({
    data: [
      { ...base, email: "fin.ann@jobs.test", name: "Ann, Finance", appMetadata: { memberships: ["Finance"] } },
      { ...base, email: "hr.cat@jobs.test", name: "Cat", appMetadata: { memberships: ["HR"] } },
    ],
  });
  for (const name of ["kelly", "olga", "ian"] as const) tokens[name] = await tokenFor(admins[name], admins.ian);
  await saveHook(admins.ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 1_000 });
});

const linkParams = (location: string) => new URL(location).searchParams;

/** The download route as Next calls it; the body is the file, not JSON. */
async function download(id: string, params: URLSearchParams) {
  const url = `http://localhost/api/v2/jobs/${id}/download?${params}`;
  const response = await downloadRoute.GET(new Request(url), { params: Promise.resolve({ id }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: response.ok ? undefined : (JSON.parse(text) as { message: string }) };
}

describe("POST /api/v2/jobs/users-exports", () => {
  it("creates a pending job (201) that completes into a file equal to Kelly's list", async () => {
    const created = await call(exportsRoute.POST, "POST", { token: tokens.kelly, body: { format: "csv", fields: [{ name: "email" }, { name: "name", export_as: "Name" }] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "users_export", status: "pending", format: "csv", fields: [{ name: "email" }, { name: "name", export_as: "Name" }], rows_exported: 0 });
    expect(created.body.id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    expect(created.body.location).toBeUndefined();
    await kickJobs();
    const read = await call(jobRoute.GET, "GET", { token: tokens.kelly, id: created.body.id });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.id, status: "completed", rows_exported: 2 });
    expect(read.body.location).toMatch(new RegExp(`^http://localhost:3000/api/v2/jobs/${created.body.id}/download\\?expires=\\d+&signature=[\\w-]{43}$`));
    const documented = openApiDocument().components.schemas.UsersExportJob.properties;
    for (const key of [...Object.keys(created.body), ...Object.keys(read.body)]) expect(documented, key).toHaveProperty(key);
    const file = await download(created.body.id, linkParams(read.body.location));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(file.text).toBe('email,Name\r\nfin.ann@jobs.test,"Ann, Finance"\r\nkelly@example.com,Kelly Finance\r\n');
  });

  it("exports NDJSON by default, with the list's q and limit", async () => {
    const created = await call(exportsRoute.POST, "POST", { token: tokens.ian, body: { fields: [{ name: "email" }], q: "email:*@jobs.test", limit: 1 } });
    expect(created.body).toMatchObject({ format: "json", limit: 1 });
    await kickJobs();
    const read = await call(jobRoute.GET, "GET", { token: tokens.ian, id: created.body.id });
    expect((await download(created.body.id, linkParams(read.body.location))).text).toBe('{"email":"fin.ann@jobs.test"}\n');
  });

  it("refuses bad input with 400 and the reason", async () => {
    const cases: [unknown, string][] = [
      [{ format: "xml" }, "format must be csv or json (one JSON object a line)."],
      [{ fields: [{ name: "password_hash" }] }, "\"password_hash\" cannot be exported: passwords, their hashes and secrets never leave Delegate."],
      [{ limit: 0 }, "limit must be at least 1."],
      [{ connection_id: "con_nope" }, 'No connection has the id "con_nope".'],
      [{ q: "email:(" }, "q: This parenthesis is never closed (at character 7)."],
      [{ surprise: true }, 'Unrecognized key: "surprise"'],
    ];
    for (const [body, message] of cases) {
      const answer = await call(exportsRoute.POST, "POST", { token: tokens.ian, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.message, JSON.stringify(body)).toContain(message);
    }
  });
});

describe("GET /api/v2/jobs/{id}", () => {
  it("answers the creator and Administrators; another admin gets 404, as for no job", async () => {
    const created = await call(exportsRoute.POST, "POST", { token: tokens.kelly, body: { format: "json" } });
    await kickJobs();
    expect((await call(jobRoute.GET, "GET", { token: tokens.ian, id: created.body.id })).status).toBe(200);
    const olga = await call(jobRoute.GET, "GET", { token: tokens.olga, id: created.body.id });
    expect(olga.status).toBe(404);
    expect(olga.body.message).toBe("No job has this id, or it was created by another admin.");
    expect((await call(jobRoute.GET, "GET", { token: tokens.kelly, id: "job_AAAAAAAAAAAAAAAA" })).status).toBe(404);
  });
});

describe("the signed download link", () => {
  it("works up to its expiry, included, and not a millisecond after; a forged or altered link is refused", async () => {
    const created = await call(exportsRoute.POST, "POST", { token: tokens.kelly, body: { format: "csv", fields: [{ name: "email" }] } });
    await kickJobs();
    const read = await call(jobRoute.GET, "GET", { token: tokens.kelly, id: created.body.id });
    const params = linkParams(read.body.location);
    const expires = Number(params.get("expires"));
    expect(expires * 1000).toBe(new Date(read.body.location_expires_at).getTime());
    await expect(jobDownload(created.body.id, params, new Date(expires * 1000))).resolves.toMatchObject({ filename: `${created.body.id}.csv` });
    await expect(jobDownload(created.body.id, params, new Date(expires * 1000 + 1))).rejects.toThrow(
      `This download link expired at ${new Date(expires * 1000).toISOString()}. Create a new export job.`,
    );
    const forged = "This download link is not valid: it was not issued by Delegate or was altered. Read the job again for its location.";
    const later = new URLSearchParams({ expires: String(expires + 3600), signature: params.get("signature")! });
    for (const bad of [later, new URLSearchParams({ expires: String(expires), signature: "A".repeat(43) }), new URLSearchParams()]) {
      const answer = await download(created.body.id, bad);
      expect(answer.status).toBe(403);
      expect(answer.body?.message).toBe(forged);
    }
    expect((await download("job_BBBBBBBBBBBBBBBB", params)).status).toBe(403);
    // Once expired, the file is removed and the job no longer offers a location.
    expect(await removeExpiredFiles(new Date(expires * 1000 + 1))).toBeGreaterThanOrEqual(1);
    const after = await call(jobRoute.GET, "GET", { token: tokens.kelly, id: created.body.id });
    expect(after.body.location).toBeUndefined();
    expect((await download(created.body.id, params)).body).toEqual({ statusCode: 404, error: "Not Found", message: "This job's file is no longer kept (download links last an hour). Create the job again." });
  });
});

describe("POST /api/v2/jobs/{id}/cancel", () => {
  it("cancels a pending job, which the runner then leaves alone; a finished job is a 409, another admin's a 404", async () => {
    const job = await queueJob(admins.kelly, "users_export", { format: "csv", sort: "email", order: "asc" });
    try {
      const olga = await call(cancelRoute.POST, "POST", { token: tokens.olga, id: job.id });
      expect([olga.status, olga.body.message]).toEqual([404, "No job has this id, or it was created by another admin."]);
      const cancelled = await call(cancelRoute.POST, "POST", { token: tokens.kelly, id: job.id });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: job.id, type: "users_export", status: "cancelled", rows_exported: 0 });
      expect(await runNextJob()).toBe(false);
      const again = await call(cancelRoute.POST, "POST", { token: tokens.ian, id: job.id });
      expect([again.status, again.body.message]).toEqual([409, "This job is already cancelled: only a pending or running job can be cancelled."]);
      const read = await call(jobRoute.GET, "GET", { token: tokens.kelly, id: job.id });
      expect([read.body.status, read.body.location]).toEqual(["cancelled", undefined]);
    } finally {
      await db().prisma.job.deleteMany({ where: { id: job.id } });
    }
  });
});

describe("a cancelled export", () => {
  it("stops at its next heartbeat and leaves no partial file", async () => {
    const job = await queueJob(admins.ian, "users_export", { format: "csv", sort: "email", order: "asc" });
    try {
      const stopped = new JobStopped(job.id);
      const run = usersExportJob.run({ job, heartbeat: async () => Promise.reject(stopped), now: () => new Date() });
      await expect(run).rejects.toBe(stopped);
      expect(fs.readdirSync(jobFilesDir()).filter((file) => file.startsWith(job.id))).toEqual([]);
    } finally {
      await db().prisma.job.deleteMany({ where: { id: job.id } });
    }
  });
});

describe("the job runner", () => {
  it("picks up pending jobs and jobs whose process stopped, not a job another process is running", async () => {
    const prisma = db().prisma;
    const params = { format: "json", fields: [{ name: "email" }], sort: "email", order: "asc" };
    await prisma.job.createMany({
      data: [
        { id: "job_pending000000001", type: "users_export", actorId: admins.kelly.id, params },
        { id: "job_stopped000000001", type: "users_export", actorId: admins.kelly.id, params, status: "processing", updatedAt: new Date(Date.now() - 61_000) },
        { id: "job_running000000001", type: "users_export", actorId: admins.kelly.id, params, status: "processing", updatedAt: new Date(Date.now() - 5_000) },
      ],
    });
    expect(await runNextJob()).toBe(true);
    expect(await runNextJob()).toBe(true);
    expect(await runNextJob()).toBe(false);
    const jobs = await prisma.job.findMany({ where: { id: { startsWith: "job_" }, NOT: { actorId: admins.ian.id } }, orderBy: { id: "asc" } });
    const status = Object.fromEntries(jobs.filter((job) => job.id.endsWith("000000001")).map((job) => [job.id, `${job.status} ${job.progress}`]));
    expect(status).toEqual({ "job_pending000000001": "completed 2", "job_running000000001": "processing 0", "job_stopped000000001": "completed 2" });
    await prisma.job.delete({ where: { id: "job_running000000001" } });
  });

  it("fails the job with the reason when its admin can no longer export", async () => {
    const prisma = db().prisma;
    await prisma.user.update({ where: { id: admins.olga.id }, data: { blocked: true } });
    // Olga unblocked and the job gone afterwards: the other tests, in any order, see neither.
    try {
      await prisma.job.create({ data: { id: "job_blocked000000001", type: "users_export", actorId: admins.olga.id, params: { format: "csv", sort: "email", order: "asc" } } });
      expect(await runNextJob()).toBe(true);
      const job = await prisma.job.findUniqueOrThrow({ where: { id: "job_blocked000000001" } });
      expect([job.status, job.error, job.resultPath]).toEqual(["failed", "Your account is blocked. Contact your administrator.", null]);
    } finally {
      await prisma.user.update({ where: { id: admins.olga.id }, data: { blocked: false } });
      await prisma.job.deleteMany({ where: { id: "job_blocked000000001" } });
    }
  });
});
