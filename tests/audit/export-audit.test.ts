import { beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "@/app/api/v2/logs/export/route";
import type { Actor } from "@/lib/auth/actor";
import { entryHash } from "@/lib/audit/chain";
import { csvField, EXPORT_COLUMNS, exportAuditLog } from "@/lib/audit/export-audit";
import { listAuditLog } from "@/lib/audit/list-audit";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { exportAuditSchema, listAuditSchema } from "@/lib/schemas/audit";
import { createUserSchema, updateUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { tokenFor } from "../api/api-client";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 13: the filtered log exported as CSV or NDJSON, streamed in batches, with the logs page's filters and
 * scope (Olga, Sales Operator under the demo Filter Hook, exports only what her logs page shows).
 */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  const make = (email: string, membership: string, name?: string) =>
    createUser(admins.ian, createUserSchema.parse({ email, password: "Export-trail-pass-1", connection: DEMO_CONNECTION, memberships: [membership], name }));
  await make("sam.sales@example.com", "Sales");
  const ivy = await make("ivy.it@example.com", "IT");
  await make("fay.finance@example.com", "Finance", 'Fay "Quote", Comma\nNewline');
  await updateUser(admins.olga, ivy.user_id, updateUserSchema.parse({ name: "Ivy (renamed by Olga)" }));
  await saveHook(admins.ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 1_000 });
});

async function exported(actor: Actor, query: Record<string, unknown>, batchSize?: number) {
  const result = await exportAuditLog(actor, exportAuditSchema.parse(query), { batchSize });
  return { ...result, text: await new Response(result.stream).text() };
}

const ndjson = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("exporting the filtered log", () => {
  it("streams NDJSON in chain order across batches, each line verifiable against its hash", async () => {
    const { text, contentType, filename } = await exported(admins.aud, { format: "ndjson" }, 2);
    expect(contentType).toBe("application/x-ndjson; charset=utf-8");
    expect(filename).toMatch(/^delegate-audit-\d{4}-\d{2}-\d{2}\.ndjson$/);
    // The other tests' exports (each one audited) may come before this one, in any order.
    const lines = ndjson(text).filter((line) => line.action !== "audit.export" && line.action !== "api_token.create");
    expect(lines.map((line) => `${line.actor_email} ${line.action} ${line.target_email ?? "-"}`)).toEqual([
      "ian@example.com user.create sam.sales@example.com",
      "ian@example.com user.create ivy.it@example.com",
      "ian@example.com user.create fay.finance@example.com",
      "olga@example.com user.update ivy.it@example.com",
      "ian@example.com hook.save -",
    ]);
    const seqs = lines.map((line) => line.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(lines[3].details).toMatchObject({ changes: [{ field: "name", from: null, to: "Ivy (renamed by Olga)" }] });
    expect(Object.keys(lines[0])).toEqual([...EXPORT_COLUMNS.filter((column) => column !== "details"), "details"]);
  });

  it("exports what the logs page lists with the same filters and scope, and nothing else", async () => {
    for (const [actor, query] of [
      [admins.olga, {}],
      [admins.aud, { action: "user.create" }],
      [admins.ian, { result: "success", actor: "olga" }],
    ] as const) {
      const listed = await listAuditLog(actor, listAuditSchema.parse({ ...query, per_page: 100 }));
      const lines = ndjson((await exported(actor, { ...query, format: "ndjson" })).text);
      // The export itself is recorded after the list was read: an entry of the admin's own.
      const before = lines.filter((line) => line.action !== "audit.export" || listed.entries.some((entry) => entry.id === line.id));
      expect(before.map((line) => line.id).sort()).toEqual(listed.entries.map((entry) => entry.id).sort());
    }
    const olga = ndjson((await exported(admins.olga, { format: "ndjson", action: "user.create" })).text);
    expect(olga.map((line) => line.target_email)).toEqual(["sam.sales@example.com"]);
  });

  it("writes CSV with a header and quoted fields; text a spreadsheet would run as a formula is made inert", async () => {
    const { text, contentType } = await exported(admins.ian, { format: "csv", action: "user.create" });
    expect(contentType).toBe("text/csv; charset=utf-8");
    const [header, ...rows] = text.split("\r\n");
    expect(header).toBe(EXPORT_COLUMNS.join(","));
    expect(rows.at(-1)).toBe("");
    expect(text).toContain('Fay \\""Quote\\"", Comma\\nNewline');
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField("-5")).toBe("'-5");
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField(null)).toBe("");
    expect(csvField("plain")).toBe("plain");
  });

  it("gives each exported entry the fields its chain hash covers", async () => {
    const [line] = ndjson((await exported(admins.ian, { format: "ndjson", action: "hook.save" })).text);
    const raw = await db().prisma.$queryRaw<{ created: string }[]>`
      SELECT to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS created FROM audit_logs WHERE id = ${line.id as string}::uuid`;
    const fields = [line.id, raw[0].created, line.actor_id, line.actor_email, line.channel, line.action, line.target_user_id, line.target_email, line.ip_address, line.user_agent, line.result, line.error_message];
    const details = await db().prisma.$queryRaw<{ text: string }[]>`SELECT details::text AS text FROM audit_logs WHERE id = ${line.id as string}::uuid`;
    expect(entryHash(line.prev_hash as string, [...(fields as (string | null)[]), details[0].text])).toBe(line.hash);
  });

  it("is recorded with its filters, for a department admin (her scoped log) as for the others", async () => {
    await exported(admins.kelly, { format: "ndjson", action: "user.create" });
    const kellys = await db().prisma.auditLog.findMany({ where: { action: "audit.export", actorEmail: "kelly@example.com" } });
    expect(kellys.map((entry) => entry.details)).toEqual([{ format: "ndjson", action: "user.create" }]);
    await exported(admins.olga, { format: "csv", result: "success" });
    const last = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "audit.export" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(last).toMatchObject({ actorEmail: "olga@example.com", details: { format: "csv", result: "success" } });
  });

  it("is an API route: a streamed download with the token's admin, 400 for an unknown format", async () => {
    const token = await tokenFor(admins.ian, admins.ian);
    const headers = { authorization: `Bearer ${token}` };
    const response = await exportRoute.GET(new Request("http://localhost/api/v2/logs/export?format=csv&action=user.create", { headers }), {
      params: Promise.resolve({}),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="delegate-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect((await response.text()).split("\r\n").filter(Boolean)).toHaveLength(4);
    const bad = await exportRoute.GET(new Request("http://localhost/api/v2/logs/export?format=xml", { headers }), { params: Promise.resolve({}) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("format must be csv or ndjson.");
  });
});
