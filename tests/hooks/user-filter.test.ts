import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { userFilterSchema } from "@/lib/hooks/user-filter";
import { listUsersSchema } from "@/lib/schemas/user";
import { listUsers } from "@/lib/users/list-users";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 30);
  await db().prisma.user.updateMany({ where: { email: { startsWith: "ada." } }, data: { userMetadata: { region: "EU" } } });
  await db().prisma.user.updateMany({ where: { email: { startsWith: "ben." } }, data: { appMetadata: { department: "Sales" } } });
});

async function visibleWith(filter: unknown): Promise<string[]> {
  await saveHook(admins.ian, {
    kind: "filter",
    code: `function (ctx, callback) { callback(null, ${JSON.stringify(filter)}); }`,
    enabled: true,
    timeoutMs: 500,
  });
  clearAllMemos();
  const page = await listUsers(admins.olga, listUsersSchema.parse({ per_page: 100 }));
  return page.users.map((user) => user.email);
}

describe("the Filter Hook's JSON filter", () => {
  it("restricts by membership (memberships array or department), with equals and in", async () => {
    const sales = await visibleWith({ field: "memberships", equals: "Sales" });
    expect(sales).toContain("ben.adams@example.com");
    expect(sales).toContain("chloe.adams@example.com");
    expect(sales.every((email) => !email.startsWith("farid."))).toBe(true);
    const either = await visibleWith({ field: "memberships", in: ["Sales", "HR"] });
    expect(either.length).toBeGreaterThan(sales.length);
  });

  it("restricts by metadata paths and profile fields, combined with and/or", async () => {
    const eu = await visibleWith({ field: "user_metadata.region", equals: "EU" });
    expect(eu.length).toBeGreaterThan(0);
    expect(eu.every((email) => email.startsWith("ada."))).toBe(true);
    const combined = await visibleWith({
      or: [{ field: "email", equals: "kelly@example.com" }, { and: [{ field: "user_metadata.region", equals: "EU" }, { field: "blocked", equals: false }] }],
    });
    expect(combined.sort()).toEqual([...eu, "kelly@example.com"].sort());
  });

  it("treats values as data: an injection attempt matches nothing and breaks nothing", async () => {
    expect(await visibleWith({ field: "email", equals: "x' OR '1'='1" })).toEqual([]);
    expect(await visibleWith({ field: "user_metadata.region", in: ["EU'); DROP TABLE users; --"] })).toEqual([]);
    expect(await db().prisma.user.count()).toBeGreaterThan(0);
  });

  it("refuses unknown fields and malformed filters", () => {
    expect(userFilterSchema.safeParse({ field: "password_hash", equals: "x" }).success).toBe(false);
    expect(userFilterSchema.safeParse({ field: "app_metadata.a;b", equals: "x" }).success).toBe(false);
    expect(userFilterSchema.safeParse({ field: "email", equals: "x", extra: 1 }).success).toBe(false);
    expect(userFilterSchema.safeParse({ and: [] }).success).toBe(false);
  });

  it("a filter hook returning an invalid filter fails with a message naming the hook", async () => {
    const error = await visibleWith({ field: "nope", equals: 1 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^Filter Hook returned an invalid result/);
  });
});
