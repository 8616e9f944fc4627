import { beforeAll, describe, expect, it } from "vitest";
import * as usersRoute from "@/app/api/v2/users/route";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { listUsersSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { listUsers } from "@/lib/users/list-users";
import { call, tokenFor } from "../api/api-client";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/**
 * The total beside a scoped list counts only what the admin may see (the demo Filter Hook: a department
 * admin sees the users of their department). Known people, so every expected number is a literal.
 */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0, { hooks: true });
  const connection = await db().prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
  await db().prisma.user.createMany({
    data: [
      // f01…f11 in Finance (f02 in Sales too), f12 in Finance stored the older way (a single department).
      ...Array.from({ length: 11 }, (_, i) => ({
        email: `f${String(i + 1).padStart(2, "0")}@scoped.test`,
        appMetadata: { memberships: i === 1 ? ["Finance", "Sales"] : ["Finance"] },
      })),
      { email: "f12@scoped.test", appMetadata: { department: "Finance" } },
      { email: "s1@scoped.test", appMetadata: { memberships: ["Sales"] } },
      { email: "s2@scoped.test", appMetadata: { memberships: ["Sales"] } },
      { email: "i1@scoped.test", appMetadata: { memberships: ["IT"] } },
      { email: "n1@scoped.test", appMetadata: {} },
    ].map((user) => ({ ...user, connectionId: connection.id })),
  });
  clearAllMemos();
});

const page = (actor: Actor, query: Record<string, unknown>) => listUsers(actor, listUsersSchema.parse(query));

describe("the total beside a scoped users list", () => {
  it("counts only the department admin's users, on every page and past the end", async () => {
    // Kelly (Finance): f01…f12 and herself.
    const first = await page(admins.kelly, { per_page: 10, sort: "email" });
    expect(first).toMatchObject({ total: 13, hidden: 0, page: 1, per_page: 10 });
    expect(first.users).toHaveLength(10);
    const second = await page(admins.kelly, { per_page: 10, page: 2, sort: "email" });
    expect(second).toMatchObject({ total: 13 });
    expect(second.users.map((user) => user.email)).toEqual(["f11@scoped.test", "f12@scoped.test", "kelly@example.com"]);
    expect(await page(admins.kelly, { per_page: 10, page: 3 })).toMatchObject({ users: [], total: 13 });
  });

  it("counts the scope together with the admin's own search and filters", async () => {
    expect(await page(admins.kelly, { search: "scoped.test" })).toMatchObject({ total: 12 });
    expect(await page(admins.kelly, { membership: "Sales" })).toMatchObject({ total: 1 });
    // Olga (Sales): f02, s1, s2 and herself.
    expect(await page(admins.olga, {})).toMatchObject({ total: 4 });
  });

  it("is everybody for an admin the hook does not restrict", async () => {
    // 4 admins and 16 users.
    expect(await page(admins.ian, { per_page: 10 })).toMatchObject({ total: 20 });
    expect(await page(admins.aud, { per_page: 10 })).toMatchObject({ total: 20 });
  });

  it("is the same scoped total through the API", async () => {
    const token = await tokenFor(admins.kelly, admins.ian);
    const first = await call(usersRoute.GET, "GET", { token, query: { per_page: 10 } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 13, page: 1 });
    expect(first.body.users).toHaveLength(10);
    const second = await call(usersRoute.GET, "GET", { token, query: { per_page: 10, page: 2 } });
    expect(second.body).toMatchObject({ total: 13, page: 2 });
    expect(second.body.users).toHaveLength(3);
  });
});
