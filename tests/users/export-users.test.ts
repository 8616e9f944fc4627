import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { exportUsersSchema } from "@/lib/schemas/user-export";
import { listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { exportUsers } from "@/lib/users/export-users";
import { listUsers } from "@/lib/users/list-users";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 14: the users list exported as CSV or NDJSON, in keyset batches, exactly the admin's list
 * (Kelly, Finance, under the demo Filter Hook, exports only Finance members).
 */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$exporttesthashexporttesthash";
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
  const prisma = db().prisma;
  const main = await prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
  clearAllMemos();
  const base = { connectionId: main.id, passwordHash: HASH };
  await prisma.user.createMany({
    data: [
      { ...base, email: "fin.ann@export.test", name: 'Ann, "The" Accountant\nSecond line', appMetadata: { memberships: ["Finance"] }, createdAt: day("2025-01-03") },
      { ...base, email: "fin.bob@export.test", name: "=SUM(A1:A9)", appMetadata: { memberships: ["Finance", "HR"] }, userMetadata: { country: "NZ", address: { city: "Wellington" } }, createdAt: day("2025-01-01"), lastLogin: day("2026-02-01") },
      { ...base, email: "hr.cat@export.test", name: "Cat", appMetadata: { memberships: ["HR"] }, createdAt: day("2025-01-02") },
      { ...base, email: "it.dan@export.test", name: null, appMetadata: { department: "IT" }, createdAt: day("2025-01-04"), lastLogin: day("2026-01-01") },
    ],
  });
  await saveHook(admins.ian, { kind: "filter", code: DEMO_FILTER_HOOK, enabled: true, timeoutMs: 1_000 });
});

async function exported(actor: Actor, query: Record<string, unknown>, batchSize?: number) {
  const result = await exportUsers(actor, exportUsersSchema.parse(query), { batchSize });
  let text = "";
  for await (const chunk of result.chunks) text += chunk;
  return { ...result, text };
}

const ndjson = (text: string) =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A minimal RFC 4180 reader, to prove the written CSV reads back to the same values. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 1;
    } else cell += char;
  }
  return rows;
}

describe("exporting the users list", () => {
  it("exports exactly Kelly's list under the Filter Hook, across keyset batches", async () => {
    const { text, contentType, filename } = await exported(admins.kelly, { format: "json", fields: [{ name: "email" }] }, 1);
    expect(contentType).toBe("application/x-ndjson; charset=utf-8");
    expect(filename).toMatch(/^delegate-users-\d{4}-\d{2}-\d{2}\.ndjson$/);
    expect(ndjson(text)).toEqual([{ email: "fin.ann@export.test" }, { email: "fin.bob@export.test" }, { email: "kelly@example.com" }]);
    const listed = await listUsers(admins.kelly, listUsersSchema.parse({ per_page: 100 }));
    expect(listed.users.map((user) => user.email)).toEqual(["fin.ann@export.test", "fin.bob@export.test", "kelly@example.com"]);
  });

  it("applies the search and the membership filter on top of the Filter Hook", async () => {
    const emails = async (actor: Actor, query: Record<string, unknown>) =>
      ndjson((await exported(actor, { format: "json", fields: [{ name: "email" }], ...query })).text).map((line) => line.email);
    expect(await emails(admins.kelly, { membership: "HR" })).toEqual(["fin.bob@export.test"]);
    expect(await emails(admins.kelly, { search: "export.test" })).toEqual(["fin.ann@export.test", "fin.bob@export.test"]);
    expect(await emails(admins.kelly, { q: "email:hr*" })).toEqual([]);
    expect(await emails(admins.ian, { q: "email:*@export.test", limit: 3 })).toEqual(["fin.ann@export.test", "fin.bob@export.test", "hr.cat@export.test"]);
  });

  it("keeps the list's order for every sort, nulls last, across batches of two", async () => {
    for (const sort of ["email", "name", "created_at", "last_login", "user_metadata.address.city", "app_metadata.department", "logins_count"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const listed = await listUsers(admins.aud, listUsersSchema.parse({ sort, order, per_page: 100 }));
        const lines = ndjson((await exported(admins.aud, { format: "json", fields: [{ name: "user_id" }], sort, order }, 2)).text);
        expect(lines.map((line) => line.user_id), `${sort} ${order}`).toEqual(listed.users.map((user) => user.user_id));
      }
    }
    for (const order of ["asc", "desc"]) {
      const query = { format: "json", fields: [{ name: "email" }], sort: "last_login", order, q: "email:*@export.test" };
      const byLogin = ndjson((await exported(admins.aud, query, 1)).text).map((line) => line.email);
      const logged = order === "asc" ? ["it.dan@export.test", "fin.bob@export.test"] : ["fin.bob@export.test", "it.dan@export.test"];
      // Users who never signed in come last, among themselves in the order of their ids.
      expect(byLogin.slice(0, 2)).toEqual(logged);
      expect(byLogin.slice(2).sort()).toEqual(["fin.ann@export.test", "hr.cat@export.test"]);
    }
    // A metadata path (a Settings Query Hook's sortable column): the one user with a value first, either way.
    for (const order of ["asc", "desc"]) {
      const query = { format: "json", fields: [{ name: "email" }], sort: "user_metadata.country", order, q: "email:*@export.test" };
      expect(ndjson((await exported(admins.aud, query, 1)).text)[0]).toEqual({ email: "fin.bob@export.test" });
    }
  });

  it("writes the chosen fields under their export_as names, metadata paths included", async () => {
    const fields = [
      { name: "email", export_as: "Email address" },
      { name: "identities[0].connection", export_as: "provider" },
      { name: "user_metadata.country" },
      { name: "user_metadata.address.city", export_as: "city" },
      { name: "last_login" },
      { name: "app_metadata" },
    ];
    const lines = ndjson((await exported(admins.ian, { format: "json", fields, q: "email:fin.bob@export.test" })).text);
    expect(lines).toEqual([
      {
        "Email address": "fin.bob@export.test",
        provider: DEMO_CONNECTION,
        "user_metadata.country": "NZ",
        city: "Wellington",
        last_login: "2026-02-01T12:00:00.000Z",
        app_metadata: { memberships: ["Finance", "HR"] },
      },
    ]);
  });

  it("never exports a password hash: not by default, not when asked for", async () => {
    const everything = await exported(admins.ian, { format: "json", fields: [{ name: "user_metadata" }, { name: "app_metadata" }, { name: "email" }] });
    expect(everything.text).not.toContain("argon2");
    const defaults = await exported(admins.ian, { format: "csv" });
    expect(defaults.text).not.toContain("argon2");
    for (const name of ["password_hash", "passwordHash", "password"]) {
      const parsed = exportUsersSchema.safeParse({ format: "csv", fields: [{ name }] });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].message).toBe(`"${name}" cannot be exported: passwords, their hashes and secrets never leave Delegate.`);
    }
  });

  it("writes CSV that reads back: commas, quotes, newlines, and formulas made inert with an apostrophe", async () => {
    const { text, contentType } = await exported(admins.kelly, { format: "csv", fields: [{ name: "email" }, { name: "name", export_as: "Full, name" }, { name: "blocked" }] });
    expect(contentType).toBe("text/csv; charset=utf-8");
    expect(parseCsv(text)).toEqual([
      ["email", "Full, name", "blocked"],
      ["fin.ann@export.test", 'Ann, "The" Accountant\nSecond line', "false"],
      ["fin.bob@export.test", "'=SUM(A1:A9)", "false"],
      ["kelly@example.com", "Kelly Finance", "false"],
    ]);
    expect(text.split("\r\n")[1]).toBe('fin.ann@export.test,"Ann, ""The"" Accountant\nSecond line",false');
  });

  it("refuses an unknown field, more than 30 fields and an unknown format", async () => {
    expect(exportUsersSchema.safeParse({ fields: [{ name: "nickname" }] }).error?.issues[0].message).toMatch(/^Unknown field "nickname"/);
    expect(exportUsersSchema.safeParse({ fields: Array.from({ length: 31 }, () => ({ name: "email" })) }).error?.issues[0].message).toBe(
      "At most 30 fields can be exported.",
    );
    expect(exportUsersSchema.safeParse({ fields: Array.from({ length: 30 }, () => ({ name: "email" })) }).success).toBe(true);
    expect(exportUsersSchema.safeParse({ format: "xml" }).error?.issues[0].message).toBe("format must be csv or json (one JSON object a line).");
  });

  it("leaves out the rows the Access Hook does not let the admin read, as the list does", async () => {
    const code = `function (ctx, callback) {
  if (ctx.payload.user.email === 'hr.cat@export.test') return callback(new Error('Not this one.'));
  callback();
}`;
    await saveHook(admins.ian, { kind: "access", code, enabled: true, timeoutMs: 1_000 });
    // The Access Hook removed afterwards: the other tests, in any order, export without it.
    try {
      const lines = ndjson((await exported(admins.aud, { format: "json", fields: [{ name: "email" }], q: "email:*@export.test" }, 2)).text);
      expect(lines.map((line) => line.email)).toEqual(["fin.ann@export.test", "fin.bob@export.test", "it.dan@export.test"]);
      const listed = await listUsers(admins.aud, listUsersSchema.parse({ q: "email:*@export.test" }));
      expect(listed.users.map((user) => user.email)).toEqual(["fin.ann@export.test", "fin.bob@export.test", "it.dan@export.test"]);
    } finally {
      await db().prisma.hookVersion.deleteMany({ where: { kind: "access" } });
      await db().prisma.hook.deleteMany({ where: { kind: "access" } });
      clearAllMemos();
    }
  });
});
