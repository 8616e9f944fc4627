import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { exportAuditCheckpoint, verifyAuditLog } from "@/lib/audit/verify-audit";
import { verifyAuditSchema } from "@/lib/schemas/audit";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/* Issue 13: the console's Verify and Export checkpoint, for Auditors and Administrators only. */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
});

describe("verifying the audit log from the console", () => {
  it("is for Auditors and Administrators: an Operator and a department admin get 403", async () => {
    for (const admin of [admins.olga, admins.kelly]) {
      await expect(verifyAuditLog(admin, verifyAuditSchema.parse({}))).rejects.toMatchObject({
        status: 403,
        message: "Only Auditors and Administrators can verify the audit log.",
      });
      await expect(exportAuditCheckpoint(admin)).rejects.toMatchObject({ status: 403 });
    }
  });

  it("verifies with a checkpoint the Auditor exported, and records who verified", async () => {
    await exportAuditCheckpoint(admins.aud); // so that the chain has an entry (the export's own)
    const checkpoint = await exportAuditCheckpoint(admins.aud);
    expect(checkpoint.seq).toBe("1");
    const report = await verifyAuditLog(admins.ian, verifyAuditSchema.parse({ checkpoints: `${JSON.stringify(checkpoint)}\n` }));
    expect(report).toMatchObject({ ok: true, problem: null, checkpoints: [{ seq: checkpoint.seq, hash: checkpoint.hash, status: "ok" }] });
    const last = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "audit.verify" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(last).toMatchObject({ actorEmail: "ian@example.com", details: { ok: true, checked: report.checked, checkpoints: 1 } });
  });

  it("refuses checkpoints that are not JSON or not a checkpoint, with a message", () => {
    expect(verifyAuditSchema.safeParse({ checkpoints: "not json" }).error?.issues[0].message).toBe(
      "Checkpoints must be JSON: one exported checkpoint a line, or a list of them.",
    );
    expect(verifyAuditSchema.safeParse({ checkpoints: '{"seq":"1","hash":"abc"}' }).error?.issues[0].message).toBe(
      "hash must be 64 lowercase hexadecimal digits.",
    );
    expect(verifyAuditSchema.parse({ checkpoints: `[{"seq":3,"hash":"${"a".repeat(64)}"}]` }).checkpoints).toEqual([{ seq: 3n, hash: "a".repeat(64) }]);
  });
});
