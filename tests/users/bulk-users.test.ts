import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import type { DomainError } from "@/lib/errors";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { listJobResults } from "@/lib/jobs/job-results";
import { kickJobs } from "@/lib/jobs/runner";
import { createUsersBulkJob } from "@/lib/jobs/users-bulk-job";
import { createUserSchema } from "@/lib/schemas/user";
import { usersBulkJobSchema, type BulkAction } from "@/lib/schemas/user-bulk";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 12 item 12, run as jobs since issue 14: bulk Block/Unblock/Delete from the users list. Each user goes
 * through the single action (the Access Hook with that user and action, the self and administrator rules);
 * the results are per user, and one refusal does not stop the others.
 */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let serial = 0;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

/** Refuses users whose email starts with "refused", naming the action it was asked about. */
const REFUSE_SOME = `function (ctx, cb) {
  if (ctx.payload.user.email.indexOf('refused') === 0) return cb(new Error('asked ' + ctx.payload.action + ' for ' + ctx.payload.user.email));
  cb();
}`;

beforeEach(async () => {
  await db().prisma.hook.deleteMany({ where: { kind: "access" } });
  clearAllMemos();
  await saveHook(admins.ian, { kind: "access", code: REFUSE_SOME, enabled: true, timeoutMs: 10_000 });
});

async function newUser(prefix: string, blocked = false) {
  const user = await createUser(
    admins.ian,
    createUserSchema.parse({ email: `${prefix}${++serial}@example.com`, password: "Correct-horse-1", connection: DEMO_CONNECTION, memberships: ["HR"] }),
  );
  if (blocked) await db().prisma.user.update({ where: { id: user.user_id }, data: { blocked: true } });
  return user;
}

/** Runs a bulk job over the ids to its end; its results sorted by user id (the job's own order). */
async function runBulk(actor: Actor, action: BulkAction, userIds: string[]) {
  const job = await createUsersBulkJob(actor, usersBulkJobSchema.parse({ action, user_ids: userIds }));
  await kickJobs();
  const { results } = await listJobResults(actor, job.id, { from: 0, take: 1000 });
  return results.map(({ user_id, status, message }) => (status === "done" ? { user_id, ok: true } : { user_id, ok: false, message }));
}
const byId = <T extends { user_id: string }>(rows: T[]) => [...rows].sort((a, b) => a.user_id.localeCompare(b.user_id));

const blockedOf = async (id: string) => (await db().prisma.user.findUnique({ where: { id }, select: { blocked: true } }))?.blocked;

describe("bulk block and unblock", () => {
  it("blocks each allowed user, and gives each refusal its own single-action message", async () => {
    const allowed = await newUser("allowed");
    const refused = await newUser("refused");
    const missing = randomUUID();
    const results = await runBulk(admins.ian, "block", [allowed.user_id, refused.user_id, admins.ian.id, missing, allowed.user_id]);
    expect(results).toEqual(byId([
      { user_id: allowed.user_id, ok: true },
      { user_id: refused.user_id, ok: false, message: `asked block:user for ${refused.email}` },
      { user_id: admins.ian.id, ok: false, message: "You cannot block yourself." },
      { user_id: missing, ok: false, message: "The user does not exist or you cannot see it." },
    ]));
    expect([await blockedOf(allowed.user_id), await blockedOf(refused.user_id), await blockedOf(admins.ian.id)]).toEqual([true, false, false]);
  });

  it("asks the Access Hook unblock:user to unblock, and records an audit entry per user", async () => {
    const allowed = await newUser("allowed", true);
    const refused = await newUser("refused", true);
    const results = await runBulk(admins.ian, "unblock", [refused.user_id, allowed.user_id]);
    expect(results).toEqual(
      byId([
        { user_id: refused.user_id, ok: false, message: `asked unblock:user for ${refused.email}` },
        { user_id: allowed.user_id, ok: true },
      ]),
    );
    expect([await blockedOf(allowed.user_id), await blockedOf(refused.user_id)]).toEqual([false, true]);
    const entries = await db().prisma.auditLog.findMany({
      where: { action: "user.unblock", targetUserId: { in: [allowed.user_id, refused.user_id] } },
      select: { targetUserId: true, result: true },
    });
    expect(entries).toEqual(
      expect.arrayContaining([
        { targetUserId: allowed.user_id, result: "success" },
        { targetUserId: refused.user_id, result: "failure" },
      ]),
    );
    expect(entries).toHaveLength(2);
  });

  it("refuses an Auditor the whole batch before any user is touched", async () => {
    const user = await newUser("allowed");
    const error = await runBulk(admins.aud, "block", [user.user_id]).catch((e: DomainError) => e);
    expect(error).toMatchObject({ status: 403 });
    expect(await blockedOf(user.user_id)).toBe(false);
  });
});

describe("bulk delete", () => {
  it("deletes each allowed user; refused ones, yourself and unknown ids stay with their message", async () => {
    const allowed = await newUser("allowed");
    const refused = await newUser("refused");
    const missing = randomUUID();
    const results = await runBulk(admins.ian, "delete", [allowed.user_id, refused.user_id, admins.ian.id, missing]);
    expect(results).toEqual(byId([
      { user_id: allowed.user_id, ok: true },
      { user_id: refused.user_id, ok: false, message: `asked delete:user for ${refused.email}` },
      { user_id: admins.ian.id, ok: false, message: "You cannot delete your own account." },
      { user_id: missing, ok: false, message: "The user does not exist or you cannot see it." },
    ]));
    const left = await db().prisma.user.findMany({ where: { id: { in: [allowed.user_id, refused.user_id, admins.ian.id] } }, select: { id: true } });
    expect(left.map((u) => u.id).sort()).toEqual([refused.user_id, admins.ian.id].sort());
  });
});

describe("the bulk input", () => {
  it.each([
    ["no user", 0, "Choose at least one user."],
    ["10,001 users", 10_001, "Choose at most 10,000 users by id, or send query for every user of the list."],
  ])("refuses %s", (_, count, message) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    expect(usersBulkJobSchema.safeParse({ action: "delete", user_ids: ids }).error?.issues[0]?.message).toBe(message);
  });

  it("takes 10,000 ids, each user once, in order of id", () => {
    const ids = Array.from({ length: 9_999 }, () => randomUUID());
    expect(usersBulkJobSchema.parse({ action: "block", user_ids: [...ids, ids[0].toUpperCase()] }).user_ids).toEqual([...ids].sort());
  });
});
