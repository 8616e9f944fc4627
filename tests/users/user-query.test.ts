import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { looksLikeUserQuery, parseUserQuery, userQueryCondition, UserQueryError } from "@/lib/users/query";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins } from "../helpers/fixtures";

const db = useTestDatabase();

/** Users of their own domain (@q.test), so that the demo admins never get in the way. */
const PEOPLE = [
  {
    email: "ann@q.test", name: "Ann Archer", username: "ann_a", emailVerified: true, loginsCount: 0,
    createdAt: new Date("2023-12-31T23:59:59.999Z"), lastLogin: null,
    appMetadata: { department: "Finance", level: 3, tags: ["eu", "vip"], "cost-center": { code_1: "F-100" } },
    userMetadata: { language: "en" },
  },
  {
    email: "bob@q.test", name: "Bob Baker", username: "Bob", emailVerified: false, loginsCount: 5,
    createdAt: new Date("2024-01-01T00:00:00.000Z"), lastLogin: new Date("2024-06-15T10:00:00Z"),
    appMetadata: { department: "Finance", level: "3", tags: [], flag: true }, userMetadata: { language: null },
  },
  {
    email: "cy@q.test", name: "Cy O'Neil \\ \"Quoted\"", username: null, emailVerified: false, loginsCount: 100,
    createdAt: new Date("2024-06-01T12:00:00.000Z"), lastLogin: new Date("2025-01-01T00:00:00Z"),
    appMetadata: { department: ["HR", "Finance"], level: 10, flag: "true" }, userMetadata: {},
  },
  {
    email: "dee@other.test", name: "Dee Finance", username: "dee", emailVerified: true, loginsCount: 200,
    createdAt: new Date("2025-02-01T00:00:00.000Z"), lastLogin: null,
    appMetadata: { department: "Sales", level: 2.5 }, userMetadata: { nested: { city: "Paris" } },
  },
];

beforeAll(async () => {
  await seedAndLoadAdmins(db(), 0);
  const connection = await db().prisma.connection.findFirstOrThrow();
  for (const person of PEOPLE) await db().prisma.user.create({ data: { ...person, connectionId: connection.id } });
});

async function matching(query: string): Promise<string[]> {
  const condition = userQueryCondition(query) ?? Prisma.sql`TRUE`;
  const rows = await db().prisma.$queryRaw<{ email: string }[]>`
    SELECT u.email FROM users u JOIN connections c ON c.id = u.connection_id
    WHERE (u.email LIKE '%@q.test' OR u.email LIKE '%@other.test') AND ${condition} ORDER BY u.email`;
  return rows.map((row) => row.email.split("@")[0]);
}

function failure(query: string): UserQueryError {
  try {
    parseUserQuery(query);
  } catch (error) {
    if (error instanceof UserQueryError) return error;
    throw error;
  }
  throw new Error(`"${query}" parsed`);
}

describe("the user-search query language", () => {
  it("matches a field exactly, quoted or not, case-insensitively on normalized fields only", async () => {
    expect(await matching('email:"ANN@Q.TEST"')).toEqual(["ann"]);
    expect(await matching("name:bob\\ baker")).toEqual(["bob"]);
    expect(await matching("name:bob")).toEqual([]);
    expect(await matching("username:bob")).toEqual([]);
    expect(await matching("username:Bob")).toEqual(["bob"]);
    expect(await matching('app_metadata.department:"finance"')).toEqual([]);
    expect(await matching("nickname:DEE")).toEqual(["dee"]);
  });

  it("resolves backslash escapes inside quotes", async () => {
    expect(await matching('name:"Cy O\'Neil \\\\ \\"Quoted\\""')).toEqual(["cy"]);
    expect(parseUserQuery('name:"a\\"b"')).toEqual({ type: "match", field: expect.objectContaining({ name: "name" }), value: 'a"b', pattern: "exact" });
  });

  it("matches metadata scalars, array elements, typed values and nested paths with - and _", async () => {
    expect(await matching('app_metadata.department:"Finance"')).toEqual(["ann", "bob", "cy"]);
    expect(await matching("app_metadata.tags:vip")).toEqual(["ann"]);
    expect(await matching("app_metadata.level:3")).toEqual(["ann", "bob"]);
    expect(await matching("app_metadata.level:2.5")).toEqual(["dee"]);
    expect(await matching("app_metadata.flag:true")).toEqual(["bob", "cy"]);
    expect(await matching('app_metadata.cost-center.code_1:"F-100"')).toEqual(["ann"]);
    expect(await matching("user_metadata.nested.city:Paris")).toEqual(["dee"]);
  });

  it("groups values of one field: (a b) is either, (+a +b) both", async () => {
    expect(await matching('app_metadata.department:(Sales HR)')).toEqual(["cy", "dee"]);
    expect(await matching('app_metadata.department:(+"HR" +"Finance")')).toEqual(["cy"]);
    expect(await matching('app_metadata.department:(+"Sales" +"Finance")')).toEqual([]);
  });

  it("combines with AND, OR, NOT, -, + and parentheses; AND binds tighter than OR", async () => {
    expect(await matching('app_metadata.department:"Finance" AND email_verified:false')).toEqual(["bob", "cy"]);
    expect(await matching("username:dee OR username:ann_a")).toEqual(["ann", "dee"]);
    expect(await matching("username:dee username:ann_a")).toEqual(["ann", "dee"]);
    expect(await matching('app_metadata.department:"Finance" NOT email_verified:true')).toEqual(["bob", "cy"]);
    expect(await matching('app_metadata.department:"Finance" -email_verified:true')).toEqual(["bob", "cy"]);
    expect(await matching("NOT app_metadata.department:Finance")).toEqual(["dee"]);
    expect(await matching("+email_verified:true username:dee")).toEqual(["ann", "dee"]);
    expect(await matching("username:dee OR username:Bob AND email_verified:true")).toEqual(["dee"]);
    expect(await matching("(username:dee OR username:Bob) AND email_verified:false")).toEqual(["bob"]);
    expect(await matching("username:dee || (username:Bob && !blocked:false)")).toEqual(["dee"]);
  });

  it("treats a user without the field as not matching it, so NOT includes them", async () => {
    expect(await matching("-username:dee")).toEqual(["ann", "bob", "cy"]);
    expect(await matching("NOT user_metadata.language:en")).toEqual(["bob", "cy", "dee"]);
  });

  it("supports * at the start, the end or both, and field:* as exists", async () => {
    expect(await matching("email:*@q.test")).toEqual(["ann", "bob", "cy"]);
    expect(await matching("email:*@Q.TEST")).toEqual(["ann", "bob", "cy"]);
    expect(await matching("name:bo*")).toEqual(["bob"]);
    expect(await matching("name:*finance*")).toEqual(["dee"]);
    expect(await matching("app_metadata.department:Fin*")).toEqual(["ann", "bob", "cy"]);
    expect(await matching("username:*")).toEqual(["ann", "bob", "dee"]);
    expect(await matching("email:50%*")).toEqual([]);
    expect(await matching("email:a_n*")).toEqual([]);
  });

  it("supports _exists_ and _missing_, where null, [] and {} do not exist", async () => {
    expect(await matching("_exists_:app_metadata.tags")).toEqual(["ann"]);
    expect(await matching("_exists_:user_metadata.language")).toEqual(["ann"]);
    expect(await matching("_exists_:last_login")).toEqual(["bob", "cy"]);
    expect(await matching("_missing_:last_login")).toEqual(["ann", "dee"]);
  });

  it("supports inclusive, exclusive and open ranges on numbers and dates", async () => {
    expect(await matching("logins_count:[5 TO 100]")).toEqual(["bob", "cy"]);
    expect(await matching("logins_count:{5 TO 100}")).toEqual([]);
    expect(await matching("logins_count:[5 TO 100}")).toEqual(["bob"]);
    expect(await matching("logins_count:{5 TO *]")).toEqual(["cy", "dee"]);
    expect(await matching("logins_count:0")).toEqual(["ann"]);
    expect(await matching("created_at:[* TO 2023-12-31]")).toEqual(["ann"]);
    expect(await matching("created_at:[* TO 2023-12-31}")).toEqual([]);
    expect(await matching("created_at:{2023-12-31 TO 2024-06-01]")).toEqual(["bob", "cy"]);
    expect(await matching('created_at:[2024-01-01 TO "2024-06-01T12:00:00Z"}')).toEqual(["bob"]);
    expect(await matching("created_at:2024")).toEqual(["bob", "cy"]);
    expect(await matching("last_login:[2024-06-15T10:00:00+00:00 TO 2024-06-15T10:00:00Z]")).toEqual(["bob"]);
    expect(await matching("app_metadata.level:[3 TO 10]")).toEqual(["ann", "cy"]);
    expect(await matching("app_metadata.level:[-1 TO 3}")).toEqual(["dee"]);
    expect(await matching("app_metadata.department:[A TO G]")).toEqual(["ann", "bob", "cy"]);
  });

  it("matches identities.connection by the connection's name and bare words as substrings", async () => {
    expect(await matching('identities.connection:"Username-Password-Authentication" AND email:b*')).toEqual(["bob"]);
    expect(await matching("identities.connection:nope")).toEqual([]);
    expect(await matching("archer OR dee@")).toEqual(["ann", "dee"]);
  });

  it("treats every value as data: quotes, backslashes and SQL never reach the statement", async () => {
    for (const query of [
      "email:x'OR'1'='1",
      'name:"\'); DROP TABLE users; --"',
      "app_metadata.department:\"Finance' OR 'a'='a\"",
      "app_metadata.department:Fin\\'*",
      "email:\\*",
      "user_id:1\\:\\:text",
      'name:"$$ || pg_sleep(1) || $$"',
    ]) {
      expect(await matching(query)).toEqual([]);
    }
    expect(await db().prisma.user.count()).toBe(4 + 4);
  });

  it("refuses unsupported syntax and unknown fields with the position", () => {
    expect(failure("name:jo?n").message).toBe("The single-character wildcard ? is not supported (use * at the start or end of a value) (at character 8).");
    expect(failure("name:john~").message).toMatch(/Fuzzy .* \(at character 10\)\.$/);
    expect(failure("name:john^2").message).toMatch(/Boosts .* \(at character 10\)\.$/);
    expect(failure("name:/jo.n/").message).toMatch(/Regular expressions .* \(at character 6\)\.$/);
    expect(failure("password:x").message).toMatch(/^Unknown field "password": the fields are user_id, email, .* \(at character 1\)\.$/);
    expect(failure("app_metadata.a;b:x").message).toMatch(/metadata key "a;b" .* \(at character 1\)/);
    expect(failure("email:j*n").position).toBe(8);
    expect(failure("blocked:maybe").message).toBe('blocked is true or false, not "maybe" (at character 9).');
    expect(failure("logins_count:abc").position).toBe(14);
    expect(failure("created_at:2024-02-30").position).toBe(12);
    expect(failure("name:[a TO b]").message).toMatch(/^Ranges work on numbers and dates/);
    expect(failure("logins_count:5*").message).toMatch(/^Wildcards work only on text fields/);
    expect(failure("(email:a").message).toBe("This parenthesis is never closed (at character 1).");
    expect(failure("email:a)").message).toBe('Unexpected ")" (at character 8).');
    expect(failure("email:").message).toBe('Expected a value after "email:", found the end of the query (at character 1).');
    expect(failure('name:"open').position).toBe(6);
    expect(failure("AND email:a").position).toBe(1);
    expect(failure("email:a AND").position).toBe(12);
    expect(failure("email:a AND OR email:b").position).toBe(13);
    expect(failure("()").message).toBe("Empty parentheses (at character 1).");
    expect(failure("logins_count:[1 TO]").message).toMatch(/^Expected a range bound/);
    expect(failure("logins_count:[1 2]").message).toMatch(/^Expected TO/);
    expect(failure("email:a\\").message).toMatch(/^A backslash must be followed/);
    expect(failure('name:"a\u0000b"').message).toBe("The query contains a NUL character (at character 8).");
  });

  it("bounds the length, the nesting depth and the number of conditions", () => {
    expect(failure(`email:"${"a".repeat(4000)}"`).message).toBe("The query is longer than 4000 characters (at character 4001).");
    expect(parseUserQuery(`email:"${"a".repeat(3990)}"`)).not.toBeNull();
    expect(parseUserQuery(`${"(".repeat(10)}email:a${")".repeat(10)}`)).not.toBeNull();
    expect(failure(`${"(".repeat(11)}email:a${")".repeat(11)}`).message).toBe("Parentheses are nested more than 10 deep (at character 11).");
    expect(failure("(".repeat(2000)).message).toMatch(/^Parentheses are nested more than 10 deep/);
    expect(parseUserQuery(Array.from({ length: 100 }, (_, i) => `email:u${i}`).join(" OR "))).not.toBeNull();
    expect(failure(Array.from({ length: 101 }, (_, i) => `email:u${i}`).join(" OR ")).message).toMatch(/^The query has more than 100 conditions/);
  });

  it("tells a query from a plain search word", () => {
    expect(looksLikeUserQuery("kelly")).toBe(false);
    expect(looksLikeUserQuery("kelly@example.com")).toBe(false);
    expect(looksLikeUserQuery("o'brien (finance)")).toBe(false);
    expect(looksLikeUserQuery("email:*@example.com")).toBe(true);
    expect(looksLikeUserQuery("_exists_:last_login")).toBe(true);
    expect(looksLikeUserQuery("ann (app_metadata.level:3)")).toBe(true);
    expect(parseUserQuery("   ")).toBeNull();
  });
});
