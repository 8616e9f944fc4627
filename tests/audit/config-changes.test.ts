import { beforeAll, describe, expect, it } from "vitest";
import { createApplication, updateApplication } from "@/lib/applications/applications";
import type { Actor } from "@/lib/auth/actor";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { setHookEnabled } from "@/lib/hooks/manage/set-hook-enabled";
import { resetMailTemplate, saveMailTemplate } from "@/lib/mail/manage";
import { saveMailTemplateSchema } from "@/lib/mail/templates";
import { createApplicationSchema, updateApplicationSchema } from "@/lib/schemas/application";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * Issue 13, "Every change records before and after values of the fields it changed": applications, hook
 * versions and mail templates, as users and webhooks already do (lib/audit/changes.ts).
 */

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

/** The newest entry of an action, by the chain's order (seq: two entries can share a millisecond). */
async function lastDetails(action: string): Promise<Record<string, unknown>> {
  const rows = await db().prisma.$queryRaw<{ details: Record<string, unknown> }[]>`SELECT details FROM audit_logs WHERE action = ${action} ORDER BY seq DESC LIMIT 1`;
  return rows[0].details;
}

describe("before and after in the audit log", () => {
  it("of an application's changed fields, nested ones by path, the secret never", async () => {
    const app = await createApplication(
      admins.ian,
      createApplicationSchema.parse({ name: "Payroll", app_type: "regular_web", callbacks: ["https://payroll.example.com/cb"] }),
    );
    await updateApplication(
      admins.ian,
      app.client_id,
      updateApplicationSchema.parse({ name: "Payroll EU", callbacks: ["https://payroll.example.eu/cb"], jwt_configuration: { lifetime_in_seconds: 600 } }),
    );
    const details = await lastDetails("client.update");
    expect(details.changes).toEqual([
      { field: "callbacks", from: ["https://payroll.example.com/cb"], to: ["https://payroll.example.eu/cb"] },
      { field: "jwt_configuration.lifetime_in_seconds", from: 36000, to: 600 },
      { field: "name", from: "Payroll", to: "Payroll EU" },
    ]);
    expect(JSON.stringify(details)).not.toContain("secret");
  });

  it("of a hook's versions: the code as version numbers, enabled and the timeout as values", async () => {
    const first = await saveHook(admins.ian, { kind: "post_registration", code: "function (user, context, cb) { cb(); }", enabled: true, timeoutMs: 500 });
    await saveHook(admins.ian, { kind: "post_registration", code: "function (user, context, cb) { cb(); }", enabled: true, timeoutMs: 800, draft: true });
    expect((await lastDetails("hook.draft")).changes).toEqual([{ field: "timeout_ms", from: 500, to: 800 }]);
    await saveHook(admins.ian, { kind: "post_registration", code: "function (user, context, cb) { cb(null); }", enabled: true, timeoutMs: 800 });
    expect((await lastDetails("hook.save")).changes).toEqual([{ field: "code", from: `version ${first.version + 1}`, to: `version ${first.version + 2}` }]);
    await setHookEnabled(admins.ian, { kind: "post_registration", enabled: false });
    expect((await lastDetails("hook.disable")).changes).toEqual([{ field: "enabled", from: true, to: false }]);
  });

  it("of a mail template, and of its reset to the default", async () => {
    const template = { kind: "invitation", subject: "Join {{tenant_name}}", text: "Hi {{user_name}}: {{link}}", html: "<p>Hi {{user_name}}: {{link}}</p>" };
    await saveMailTemplate(admins.ian, saveMailTemplateSchema.parse(template));
    const saved = (await lastDetails("mail.template_save")).changes as { field: string; from?: string; to?: string }[];
    expect(saved.map((change) => change.field)).toEqual(["subject", "text", "html"]);
    expect(saved[0]).toEqual({ field: "subject", from: "You are invited to {{tenant_name}}", to: "Join {{tenant_name}}" });
    await resetMailTemplate(admins.ian, "invitation");
    expect(((await lastDetails("mail.template_reset")).changes as { field: string; to?: string }[])[0]).toEqual({
      field: "subject",
      from: "Join {{tenant_name}}",
      to: "You are invited to {{tenant_name}}",
    });
  });
});
