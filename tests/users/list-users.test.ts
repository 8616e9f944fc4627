import { clearAllMemos } from "@/lib/cache/memo";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { DomainError } from "@/lib/errors";
import { listUsersSchema, type ListUsersInput } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { listUsers } from "@/lib/users/list-users";
import { membershipsOf, toUserProfile, userSelect } from "@/lib/users/profile";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 40);
  const prisma = db().prisma;
  const main = await prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
  const other = await prisma.connection.create({ data: { id: "con_other", name: "Other-DB" } });
  clearAllMemos(); // the connection cache does not see writes made behind the domain
  const base = { connectionId: main.id, passwordHash: null };
  await prisma.user.createMany({
    data: [
      // Sorting: names, creation and last login in deliberately different orders, with nulls.
      // The metadata, username and sign-in counts are what a Settings Query Hook's sortable columns show.
      { ...base, email: "s1@sorting.test", name: "Bravo", createdAt: day("2025-01-02"), lastLogin: day("2026-02-01"), username: "delta", loginsCount: 5, userMetadata: { team: { code: "b" } }, appMetadata: { cost_center: "200" } },
      { ...base, email: "s2@sorting.test", name: "Alpha", createdAt: day("2025-01-03"), lastLogin: null, loginsCount: 0, userMetadata: { team: { code: "a" } }, appMetadata: { cost_center: "1000" } },
      { ...base, email: "s3@sorting.test", name: null, createdAt: day("2025-01-01"), lastLogin: day("2026-03-01"), username: "alpha", loginsCount: 12, appMetadata: { cost_center: "300" } },
      { ...base, email: "s4@sorting.test", name: "Charlie", createdAt: day("2025-01-04"), lastLogin: day("2026-01-01"), username: "bravo", loginsCount: 7, userMetadata: { team: { code: "c" } } },
      // LIKE wildcards and the escape character must be matched literally.
      { ...base, email: "percent@wild.test", name: "100% Real" },
      { ...base, email: "hundred@wild.test", name: "100 Percent Fake" },
      { ...base, email: "under@wild.test", name: "Under", username: "under_score" },
      { ...base, email: "underx@wild.test", name: "Underx", username: "underxscore" },
      { ...base, email: "slash@wild.test", name: "back\\slash" },
      { ...base, email: "noslash@wild.test", name: "backslash" },
      // Memberships stored the older way, as a single department.
      { ...base, email: "dept.only@members.test", appMetadata: { department: "HR" } },
      { ...base, email: "two@members.test", appMetadata: { memberships: ["IT", "Sales"] } },
      { ...base, email: "none@members.test", appMetadata: { roles: [] } },
      { connectionId: other.id, email: "other@other.test", name: "Elsewhere" },
      // The same email in another connection is another user.
      { connectionId: other.id, email: "s1@sorting.test", name: "Second S1" },
    ],
  });
});

const list = (query: Record<string, unknown> = {}) => listUsers(admins.aud, listUsersSchema.parse(query));
const emails = async (query: Record<string, unknown>) => (await list({ per_page: 100, ...query })).users.map((u) => u.email);

async function everyUser() {
  const rows = await db().prisma.user.findMany({ select: userSelect });
  return rows.map(toUserProfile);
}

describe("listUsers: search", () => {
  it("finds a substring of the email, name or username, whatever its case", async () => {
    expect(await emails({ search: "S2@SORTING" })).toEqual(["s2@sorting.test"]);
    expect(await emails({ search: "charl" })).toEqual(["s4@sorting.test"]);
    expect(await emails({ search: "UNDER_SC" })).toEqual(["under@wild.test"]);
    expect(await emails({ search: "orting.te" })).toEqual(["s1@sorting.test", "s1@sorting.test", "s2@sorting.test", "s3@sorting.test", "s4@sorting.test"]);
  });

  it("treats % and _ and \\ in the search as plain characters", async () => {
    expect(await emails({ search: "100%" })).toEqual(["percent@wild.test"]);
    expect(await emails({ search: "under_" })).toEqual(["under@wild.test"]);
    expect(await emails({ search: "k\\s" })).toEqual(["slash@wild.test"]);
    expect(await emails({ search: "%" })).toEqual(["percent@wild.test"]);
    expect(await emails({ search: "_" })).toEqual(["under@wild.test"]);
  });

  it("returns nothing, with a total of 0, when nothing matches", async () => {
    expect(await list({ search: "no-such-person" })).toEqual({ users: [], total: 0, total_exact: true, hidden: 0, page: 1, per_page: 25, next: null, previous: null });
  });

  it("ignores an empty or blank search", async () => {
    const total = (await everyUser()).length;
    expect((await list({ search: "   " })).total).toBe(total);
  });
});

describe("listUsers: filters", () => {
  it("filters by membership, including users whose app_metadata has a department instead of memberships", async () => {
    for (const membership of ["HR", "IT", "Finance"]) {
      const expected = (await everyUser()).filter((u) => membershipsOf(u).includes(membership)).map((u) => u.email).sort();
      const page = await list({ membership, per_page: 100 });
      expect(page.total).toBe(expected.length);
      expect(page.users.map((u) => u.email).sort()).toEqual(expected);
    }
    expect(await emails({ membership: "HR", search: "members.test" })).toEqual(["dept.only@members.test"]);
    expect(await emails({ membership: "Sales", search: "members.test" })).toEqual(["two@members.test"]);
    expect(await emails({ membership: "Nowhere" })).toEqual([]);
  });

  it("does not treat a membership name as a pattern", async () => {
    expect(await emails({ membership: "H%" })).toEqual([]);
  });

  it("filters by connection name", async () => {
    expect(await emails({ connection: "Other-DB" })).toEqual(["other@other.test", "s1@sorting.test"]);
    const main = await list({ connection: DEMO_CONNECTION });
    expect(main.total).toBe((await everyUser()).filter((u) => u.connection === DEMO_CONNECTION).length);
    expect((await list({ connection: "No-Such-Connection" })).total).toBe(0);
  });

  it("combines search, membership and connection", async () => {
    expect(await emails({ search: "two", membership: "IT", connection: DEMO_CONNECTION })).toEqual(["two@members.test"]);
    expect(await emails({ search: "two", membership: "IT", connection: "Other-DB" })).toEqual([]);
  });
});

describe("listUsers: sorting", () => {
  const order = async (sort: ListUsersInput["sort"], direction: "asc" | "desc") =>
    (await list({ search: "@sorting.test", connection: DEMO_CONNECTION, sort, order: direction })).users.map((u) => u.email.slice(0, 2));

  it.each([
    ["email", "asc", ["s1", "s2", "s3", "s4"]],
    ["email", "desc", ["s4", "s3", "s2", "s1"]],
    ["name", "asc", ["s2", "s1", "s4", "s3"]],
    ["name", "desc", ["s4", "s1", "s2", "s3"]],
    ["created_at", "asc", ["s3", "s1", "s2", "s4"]],
    ["created_at", "desc", ["s4", "s2", "s1", "s3"]],
    ["last_login", "asc", ["s4", "s1", "s3", "s2"]],
    ["last_login", "desc", ["s3", "s1", "s4", "s2"]],
    ["user_metadata.team.code", "asc", ["s2", "s1", "s4", "s3"]],
    ["user_metadata.team.code", "desc", ["s4", "s1", "s2", "s3"]],
    // Metadata sorts as text, as stored: "1000" before "200".
    ["app_metadata.cost_center", "asc", ["s2", "s1", "s3", "s4"]],
    ["app_metadata.cost_center", "desc", ["s3", "s1", "s2", "s4"]],
    ["username", "asc", ["s3", "s4", "s1", "s2"]],
    ["username", "desc", ["s1", "s4", "s3", "s2"]],
    ["logins_count", "asc", ["s2", "s1", "s4", "s3"]],
    ["logins_count", "desc", ["s3", "s4", "s1", "s2"]],
  ] as const)("sorts by %s %s, users without a value last", async (sort, direction, expected) => {
    expect(await order(sort, direction)).toEqual(expected);
  });

  it("pages through everybody by last login, newest first, without repeats and with nulls at the end", async () => {
    const all = await everyUser();
    const seen: (string | null)[] = [];
    const ids = new Set<string>();
    for (let page = 1; ; page++) {
      const result = await list({ sort: "last_login", order: "desc", per_page: 10, page });
      expect(result.total).toBe(all.length);
      if (result.users.length === 0) break;
      for (const user of result.users) {
        ids.add(user.user_id);
        seen.push(user.last_login);
      }
    }
    expect(ids.size).toBe(all.length);
    const firstNull = seen.indexOf(null);
    expect(firstNull).toBeGreaterThan(0);
    expect(seen.slice(firstNull).every((value) => value === null)).toBe(true);
    const times = seen.slice(0, firstNull).map((value) => Date.parse(value as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe("listUsers: keyset pages (after / before)", () => {
  const ids = (page: { users: { user_id: string }[] }) => page.users.map((user) => user.user_id);

  it.each([
    ["email", "asc"],
    ["name", "asc"],
    ["name", "desc"],
    ["last_login", "desc"],
    ["created_at", "desc"],
    ["user_metadata.team.code", "asc"],
  ] as const)("walks every page by %s %s with next, and back with previous, as the numbered pages are", async (sort, order) => {
    const numbered: string[][] = [];
    for (let page = 1; ; page++) {
      const result = await list({ sort, order, per_page: 10, page });
      if (result.users.length === 0) break;
      numbered.push(ids(result));
    }
    const forward: string[][] = [];
    let result = await list({ sort, order, per_page: 10 });
    forward.push(ids(result));
    while (result.next) {
      result = await list({ sort, order, per_page: 10, after: result.next });
      if (result.users.length) forward.push(ids(result));
    }
    expect(forward).toEqual(numbered);
    // Back from the last page to the first.
    const backward: string[][] = [forward.at(-1)!];
    // As the pager's links do: the page number goes with the cursor.
    result = await list({ sort, order, per_page: 10, page: numbered.length });
    while (result.previous) {
      result = await list({ sort, order, per_page: 10, page: result.page - 1, before: result.previous });
      backward.unshift(ids(result));
    }
    expect(backward).toEqual(numbered);
  });

  it("has no previous on page 1 and no next on a page that is not full", async () => {
    const total = (await everyUser()).length;
    const first = await list({ per_page: 10 });
    expect(first.previous).toBeNull();
    const last = await list({ per_page: 10, page: Math.ceil(total / 10) });
    expect(last.users.length).toBeLessThan(10);
    expect(last.next).toBeNull();
  });

  it("refuses a cursor that was altered, and after with before", async () => {
    const altered = await list({ after: "WyJhQGIuYyIsIm5vdC1hLXV1aWQiXQ" }).catch((error: DomainError) => error);
    expect([(altered as DomainError).status, (altered as DomainError).fieldErrors]).toEqual([
      400,
      { after: "after: this page link is not valid (changed, cut short, or from another list). Go back to the first page." },
    ]);
    expect(listUsersSchema.safeParse({ after: "a", before: "b" }).error?.issues[0]?.message).toBe("Send after or before, not both.");
  });
});

describe("listUsers: pages", () => {
  it.each([10, 25, 50, 100])("returns pages of %i with the total", async (perPage) => {
    const total = (await everyUser()).length;
    const first = await list({ per_page: perPage });
    expect(first).toMatchObject({ total, page: 1, per_page: perPage });
    expect(first.users).toHaveLength(Math.min(perPage, total));
    const lastPage = Math.ceil(total / perPage);
    const last = await list({ per_page: perPage, page: lastPage });
    expect(last.users).toHaveLength(total - (lastPage - 1) * perPage);
  });

  it("defaults to page 1 of 25 sorted by email, and accepts query-string numbers", async () => {
    const parsed = listUsersSchema.parse({ page: "2", per_page: "10" });
    expect(parsed).toMatchObject({ page: 2, per_page: 10, sort: "email", order: "asc" });
    expect(listUsersSchema.parse({})).toMatchObject({ page: 1, per_page: 25 });
  });

  it("refuses other page sizes, page 0 and unknown sort fields", () => {
    for (const query of [{ per_page: 20 }, { per_page: 1000 }, { page: 0 }, { page: "x" }, { sort: "password_hash" }, { order: "up" }, { sort: "app_metadata" }, { sort: "app_metadata.a b" }, { sort: "app_metadata.a.b.c.d.e.f" }, { sort: "app_metadata.a'" }]) {
      expect(listUsersSchema.safeParse(query).success).toBe(false);
    }
  });

  it("accepts a metadata path five levels deep, the deepest a column sorts by", () => {
    expect(listUsersSchema.parse({ sort: "app_metadata.a.b.c.d.e" }).sort).toBe("app_metadata.a.b.c.d.e");
    expect(listUsersSchema.safeParse({ sort: "app_metadata.a.b.c.d.e.f" }).error?.issues[0]?.message).toBe(
      "sort must be email, name, created_at, last_login, updated_at, username, given_name, family_name, phone_number, logins_count, or app_metadata.<path> / user_metadata.<path>.",
    );
  });

  it("returns an empty page past the end, with the total", async () => {
    const total = (await everyUser()).length;
    expect(await list({ page: 99 })).toEqual({ users: [], total, total_exact: true, hidden: 0, page: 99, per_page: 25, next: null, previous: null });
  });

  it("never returns the password hash", async () => {
    const page = await list({ per_page: 100 });
    expect(JSON.stringify(page)).not.toContain("$argon2");
    for (const user of page.users) expect(Object.keys(user).filter((key) => /password/i.test(key))).toEqual([]);
  });
});

describe("listUsers: the bounded count", () => {
  // "orting.te" matches 5 users; the bound is injected so that the boundary needs no 10,000 rows.
  const bounded = (countBound: number, query: Record<string, unknown> = {}) =>
    listUsers(admins.aud, listUsersSchema.parse({ search: "orting.te", per_page: 10, ...query }), { countBound });

  it("counts exactly up to the bound, and says 'more than the bound' one user past it", async () => {
    expect(await bounded(5)).toMatchObject({ total: 5, total_exact: true });
    expect(await bounded(4)).toMatchObject({ total: 4, total_exact: false });
    expect(await bounded(6)).toMatchObject({ total: 5, total_exact: true });
    expect((await list({})).total_exact).toBe(true);
  });

  it("still lists every user of a page past the bound", async () => {
    const page = await bounded(2, { per_page: 10 });
    expect(page.users.map((user) => user.email)).toEqual(["s1@sorting.test", "s1@sorting.test", "s2@sorting.test", "s3@sorting.test", "s4@sorting.test"]);
    expect(page).toMatchObject({ total: 2, total_exact: false });
  });
});
