import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import type { DomainError } from "@/lib/errors";
import { getHookWithVersions } from "@/lib/hooks/manage/list-hooks";
import { restoreHookVersion } from "@/lib/hooks/manage/restore-hook-version";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { setHookEnabled } from "@/lib/hooks/manage/set-hook-enabled";
import { saveHookSchema } from "@/lib/schemas/hook";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 12 item 3: "Save draft" and "Deploy" are separate. A draft is a version that does not run; only the
 * deployed version runs. A save without `draft` deploys, as every save did before drafts existed.
 */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 10);
});

beforeEach(async () => {
  await db().prisma.hook.deleteMany({ where: { kind: "write" } });
  clearAllMemos();
});

/** A Write Hook that refuses every user with its own message, so the message tells which version ran. */
const refusing = (message: string) => `function (ctx, callback) { callback(new Error('${message}')); }`;

const save = (code: string, extra: { draft?: boolean; note?: string } = {}) =>
  saveHook(admins.ian, { kind: "write", code, enabled: true, timeoutMs: 10_000, ...extra });

let counter = 0;
/** Creates a user; answers the Write Hook's refusal, or "created" when no hook refused. */
async function outcomeOfCreate(): Promise<string> {
  const input = createUserSchema.parse({
    email: `drafted${++counter}@example.com`,
    password: "Correct-horse-1",
    connection: DEMO_CONNECTION,
    memberships: ["IT"],
  });
  return createUser(admins.ian, input).then(
    () => "created",
    (error: DomainError) => error.message,
  );
}

describe("hook drafts", () => {
  it("a draft does not run: the deployed version keeps running until Deploy", async () => {
    expect(await save(refusing("v1"))).toEqual({ version: 1, deployed: true });
    expect(await save(refusing("v2"), { draft: true, note: "try v2" })).toEqual({ version: 2, deployed: false });
    expect(await outcomeOfCreate()).toBe("v1");

    const { hook, versions } = await getHookWithVersions(admins.ian, "write");
    expect(hook?.deployedVersion).toBe(1);
    expect(versions.map((v) => [v.version, v.reason, v.note])).toEqual([
      [2, "draft", "try v2"],
      [1, "save", null],
    ]);

    expect(await save(refusing("v2"), { note: "ship it" })).toEqual({ version: 3, deployed: true });
    expect(await outcomeOfCreate()).toBe("v2");
    expect((await getHookWithVersions(admins.ian, "write")).hook?.deployedVersion).toBe(3);
  });

  it("a hook with drafts only runs nothing, cannot be enabled, and is deployed by restoring a draft", async () => {
    await save(refusing("draft only"), { draft: true });
    expect(await outcomeOfCreate()).toBe("created");
    const { hook, versions } = await getHookWithVersions(admins.ian, "write");
    expect(hook).toBeNull();
    expect(versions).toHaveLength(1);

    const enabling = await setHookEnabled(admins.ian, { kind: "write", enabled: true }).catch((error: DomainError) => error);
    expect(enabling).toMatchObject({ status: 404, message: "This hook has never been deployed." });
    expect(await outcomeOfCreate()).toBe("created");

    expect(await restoreHookVersion(admins.ian, { kind: "write", version: 1 })).toEqual({ version: 2 });
    expect(await outcomeOfCreate()).toBe("draft only");
  });

  it("disabling keeps the deployed code, not a newer draft", async () => {
    await save(refusing("deployed"));
    await save(refusing("drafted"), { draft: true });
    await setHookEnabled(admins.ian, { kind: "write", enabled: false });
    expect(await outcomeOfCreate()).toBe("created");
    await setHookEnabled(admins.ian, { kind: "write", enabled: true });
    expect(await outcomeOfCreate()).toBe("deployed");
    const { versions } = await getHookWithVersions(admins.ian, "write");
    expect(versions.map((v) => [v.version, v.reason, v.code.includes("'deployed'")])).toEqual([
      [4, "enable", true],
      [3, "disable", true],
      [2, "draft", false],
      [1, "save", true],
    ]);
  });

  it("audits a draft as hook.draft and a deploy as hook.save, with the note", async () => {
    const since = new Date();
    await save(refusing("a"), { draft: true, note: "first try" });
    await save(refusing("a"));
    const entries = await db().prisma.auditLog.findMany({
      where: { action: { in: ["hook.draft", "hook.save"] }, createdAt: { gte: since } },
      orderBy: { createdAt: "asc" },
    });
    expect(entries.map((e) => [e.action, (e.details as { note?: string }).note])).toEqual([
      ["hook.draft", "first try"],
      ["hook.save", undefined],
    ]);
  });

  it("takes a note of at most 200 characters", () => {
    const input = { kind: "write", code: refusing("x") };
    expect(saveHookSchema.safeParse({ ...input, note: "n".repeat(200) }).success).toBe(true);
    const tooLong = saveHookSchema.safeParse({ ...input, note: "n".repeat(201) });
    expect(tooLong.error?.issues[0]?.message).toBe("A note can be at most 200 characters.");
  });
});
