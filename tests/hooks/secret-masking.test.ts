import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { runHookDraft } from "@/lib/hooks/manage/run-hook-draft";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { runHook } from "@/lib/hooks/sandbox";
import { setHookSecret } from "@/lib/hooks/secrets";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { startTestWorker } from "../delivery/support/worker";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 7, item 13: a hook's secrets and a submitted password never stay in what is kept or shown of a
 * run (logs, errors, the post-registration delivery, the Runner), masked by value wherever they appear.
 */

const SECRET = 'Sup3r"S3cret Value/1';
const run = (code: string, secretValues: string[], extra: { maxLogBytes?: number } = {}) =>
  runHook({ hookName: "Write Hook", code, args: [{}], secretValues, timeoutMs: 1000, ...extra });

describe("the sandbox masks secret values", () => {
  it("in a log line, alone, inside text, inside JSON (once and twice) and URL-encoded", async () => {
    const code = `function (ctx, cb) {
      var s = ${JSON.stringify(SECRET)};
      console.log(s);
      console.log('key=' + s + ';');
      console.info({ nested: { value: s } });
      console.warn(JSON.stringify(JSON.stringify({ value: s })));
      console.error('https://api.example/x?key=' + encodeURIComponent(s));
      cb();
    }`;
    const result = await run(code, [SECRET]);
    expect(result.logs).toEqual([
      { level: "log", message: "[secret]" },
      { level: "log", message: "key=[secret];" },
      { level: "info", message: '{"nested":{"value":"[secret]"}}' },
      { level: "warn", message: '"{\\"value\\":\\"[secret]\\"}"' },
      { level: "error", message: "https://api.example/x?key=[secret]" },
    ]);
  });

  it("from four characters on: a shorter value would blank ordinary words", async () => {
    const result = await run("function (ctx, cb) { console.log('abc abcd'); cb(); }", ["abc", "abcd"]);
    expect(result.logs).toEqual([{ level: "log", message: "abc [secret]" }]);
  });

  it("in a log line cut at the log budget in the middle of the secret", async () => {
    const result = await run(`function (ctx, cb) { console.log('xxxxxxxxxx' + ${JSON.stringify(SECRET)}); cb(); }`, [SECRET], { maxLogBytes: 15 });
    expect(result.logs).toEqual([{ level: "log", message: "xxxxxxxxxx[secr… [log output truncated]" }]);
  });

  it("in a thrown error, also where the message is cut in the middle of the secret", async () => {
    const thrown = await run(`function (ctx, cb) { throw new Error('rejected ' + ${JSON.stringify(SECRET)}); }`, [SECRET]);
    expect(thrown.error?.message).toBe("rejected [secret]");
    const long = await run(`function (ctx, cb) { cb(new Error('${"y".repeat(1995)}' + ${JSON.stringify(SECRET)})); }`, [SECRET]);
    expect(long.error?.message).toBe(`${"y".repeat(1995)}[secret]`);
  });

  it("and leaves a run without secret values as it was", async () => {
    const result = await run(`function (ctx, cb) { console.log(${JSON.stringify(SECRET)}); cb(); }`, []);
    expect(result.logs).toEqual([{ level: "log", message: SECRET }]);
  });
});

describe("hooks of the console keep no secret in their records", () => {
  const db = useTestDatabase();
  let admins: Record<DemoAdmin, Actor>;
  let worker: DeliveryWorker;
  const PASSWORD = "Correct-horse-1";
  const API_KEY = "s3cret-api-key";

  beforeAll(async () => {
    admins = await seedAndLoadAdmins(db(), 3);
    worker = startTestWorker(db());
  });
  afterAll(async () => {
    await worker.stop();
  });

  let serial = 0;
  const register = (label = "masked") =>
    createUser(
      admins.ian,
      createUserSchema.parse({ email: `${label}${++serial}@example.com`, password: PASSWORD, connection: DEMO_CONNECTION, memberships: ["IT"] }),
    );

  it("a Write Hook's logs and error hide ctx.payload.password, in the execution and the audit entry", async () => {
    await saveHook(admins.ian, {
      kind: "write",
      code: `function (ctx, cb) {
        console.log('password ' + ctx.payload.password);
        console.log(ctx.defaultPayload);
        if (ctx.payload.email.indexOf('refused') === 0) return cb(new Error('refused ' + ctx.payload.password));
        cb(null, null);
      }`,
      enabled: true,
      timeoutMs: 5000,
    });
    const user = await register();
    const logged = await db().prisma.hookExecution.findFirstOrThrow({ where: { kind: "write", outcome: "success" } });
    expect(logged.logs).toEqual([
      { level: "log", message: "password [secret]" },
      {
        level: "log",
        message: `{"email":"${user.email}","password":"[secret]","connection":"${DEMO_CONNECTION}","app_metadata":{"memberships":["IT"]}}`,
      },
    ]);

    await expect(register("refused")).rejects.toThrow("refused [secret]");
    const failed = await db().prisma.hookExecution.findFirstOrThrow({ where: { kind: "write", outcome: "error" } });
    expect(failed.error).toBe("refused [secret]");
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { action: "user.create", result: "failure" } });
    expect(audit.errorMessage).toBe("refused [secret]");
    const everything = JSON.stringify(await db().prisma.hookExecution.findMany()) + JSON.stringify(await db().prisma.auditLog.findMany());
    expect(everything).not.toContain(PASSWORD);
    await saveHook(admins.ian, { kind: "write", code: "function (ctx, cb) { cb(null, null); }", enabled: false, timeoutMs: 1000 });
  });

  it("a post-registration hook's logs and error hide context.webtask.secrets, in the execution and the delivery", async () => {
    await setHookSecret(admins.ian, { name: "API_KEY", value: API_KEY });
    await saveHook(admins.ian, {
      kind: "post_registration",
      code: `module.exports = function (user, context, cb) {
        console.log('using ' + context.webtask.secrets.API_KEY);
        console.log(context);
        cb(new Error('upstream refused key ' + context.webtask.secrets.API_KEY));
      };`,
      enabled: true,
      timeoutMs: 5000,
    });
    const user = await register();
    // The delivery is finished (failed, not retried) once the worker recorded the run's outcome.
    let delivery = null;
    for (let i = 0; i < 200 && delivery?.status !== "failed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      delivery = await db().prisma.delivery.findFirst({
        where: { destination: "post_registration", event: { payload: { path: ["event", "user", "id"], equals: user.user_id } } },
        include: { attempts: true },
      });
    }
    const execution = await db().prisma.hookExecution.findFirstOrThrow({ where: { kind: "post_registration", userId: user.user_id } });
    expect(execution.error).toBe("upstream refused key [secret]");
    expect(execution.logs).toEqual([
      { level: "log", message: "using [secret]" },
      { level: "log", message: expect.stringContaining(`"webtask":{"secrets":{"API_KEY":"[secret]"}}`) },
    ]);
    expect(delivery?.status).toBe("failed");
    expect(delivery?.lastError).toBe("upstream refused key [secret]");
    expect(delivery?.attempts.map((attempt) => [attempt.error, attempt.responseBody?.split("\n")[0]])).toEqual([
      ["upstream refused key [secret]", "[log] using [secret]"],
    ]);
    const everything = JSON.stringify(await db().prisma.hookExecution.findMany()) + JSON.stringify(await db().prisma.deliveryAttempt.findMany());
    expect(everything).not.toContain(API_KEY);
  });

  it("the Runner shows the logs, error and result with the context's password and secrets masked", async () => {
    const write = await runHookDraft(admins.ian, {
      kind: "write",
      code: "function (ctx, cb) { console.log(ctx.payload.password); cb(null, { email: 'r@example.com', password: ctx.payload.password, connection: 'x' }); }",
      context: { method: "create", payload: { email: "r@example.com", password: PASSWORD } },
      timeoutMs: 1000,
    });
    expect(write.logs).toEqual([{ level: "log", message: "[secret]" }]);
    expect(write.result).toEqual({ email: "r@example.com", password: "[secret]", connection: "x" });
    const postRegistration = await runHookDraft(admins.ian, {
      kind: "post_registration",
      code: "module.exports = function (user, context, cb) { cb(new Error('bad key ' + context.webtask.secrets.KEY)); };",
      context: { user: {}, context: { webtask: { secrets: { KEY: API_KEY } } } },
      timeoutMs: 1000,
    });
    expect(postRegistration.error?.message).toBe("bad key [secret]");
  });
});
