import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { resetConfigForTests } from "@/lib/config";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { listMail, previewMailTemplate, resetMailTemplate, saveMailTemplate } from "@/lib/mail/manage";
import { saveMailTemplateSchema } from "@/lib/mail/templates";
import { closeMailTransport } from "@/lib/mail/transport";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { eventually } from "../delivery/support/receiver";
import { startTestWorker } from "../delivery/support/worker";
import { linkIn, startSmtpReceiver, type SmtpReceiver } from "./support/smtp-receiver";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let worker: DeliveryWorker;
let smtp: SmtpReceiver;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  delete process.env.SMTP_URL;
  process.env.DELEGATE_PUBLIC_URL = "https://delegate.acme.test";
  process.env.DELEGATE_TENANT_NAME = "Acme Corp";
  resetConfigForTests();
  admins = await seedAndLoadAdmins(db(), 2);
  worker = startTestWorker(db());
});
afterAll(async () => {
  await worker.stop();
  closeMailTransport();
  await smtp.close();
  delete process.env.SMTP_URL;
});

const invite = (email: string) => createUser(admins.ian, createUserSchema.parse({ email, connection: DEMO_CONNECTION, send_invitation: true }));
const useSmtp = (url: string | undefined) => {
  if (url) process.env.SMTP_URL = url;
  else delete process.env.SMTP_URL;
  resetConfigForTests();
};

describe("without SMTP_URL", () => {
  it("keeps the mail with its body for the Mail page and prints its link to the server log", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const user = await invite("offline@acme.test");
      const { mails, smtp: configured } = await eventually(async () => {
        const page = await listMail(admins.ian);
        return page.mails.find((mail) => mail.to === "offline@acme.test" && mail.status === "succeeded") ? page : null;
      });
      expect(configured).toBe(false);
      const mail = mails.find((m) => m.to === "offline@acme.test")!;
      expect(mail).toMatchObject({ kind: "invitation", subject: "You are invited to Acme Corp", transport: "kept", attempts: 1 });
      expect(mail.links).toHaveLength(1);
      expect(mail.links[0]).toMatch(/^https:\/\/delegate\.acme\.test\/account\/invitation\?token=/);
      expect(mail.text).toContain(mail.links[0]);
      expect(mail.html).toContain(`href="${mail.links[0]}"`);
      expect(log.mock.calls.flat().join("\n")).toContain(mail.links[0]);
      expect(user.email).toBe("offline@acme.test");
    } finally {
      log.mockRestore();
    }
  });

  it("shows the Mail page to Administrators only", async () => {
    expect((await listMail(admins.kelly).catch((e) => e)).status).toBe(403);
  });
});

describe("over SMTP", () => {
  it("fails a mail the server refuses for good (550) at once, visibly, and retries a temporary refusal (451) until it goes", async () => {
    useSmtp(smtp.url);
    smtp.refuse.set("gone@acme.test", { code: 550, message: "No such mailbox" });
    smtp.refuse.set("busy@acme.test", { code: 451, message: "Try again later" });
    await invite("gone@acme.test");
    await invite("busy@acme.test");
    const gone = await eventually(async () => (await listMail(admins.ian)).mails.find((m) => m.to === "gone@acme.test" && m.status === "failed"));
    expect(gone.attempts).toBe(1);
    expect(gone.lastError).toContain("No such mailbox");
    expect(gone.sentAt).toBeNull();
    const busy = await eventually(async () => (await listMail(admins.ian)).mails.find((m) => m.to === "busy@acme.test" && m.attempts >= 2));
    expect(busy.lastError).toContain("Try again later");
    smtp.refuse.delete("busy@acme.test");
    const mail = await smtp.waitFor((m) => m.to.includes("busy@acme.test"));
    expect(linkIn(mail)).toMatch(/\/account\/invitation\?token=/);
    const delivered = await eventually(async () => (await listMail(admins.ian)).mails.find((m) => m.to === "busy@acme.test" && m.status === "succeeded"));
    expect(delivered).toMatchObject({ transport: "smtp", text: null, html: null });
    useSmtp(undefined);
  });
});

describe("templates", () => {
  it("an Administrator's template is used for the next mail; an unknown placeholder is refused; reset restores the default", async () => {
    const draft = { kind: "invitation" as const, subject: "Join {{tenant_name}} now", text: "Go: {{link}} ({{user_name}})", html: "<p>{{user_name}}</p>" };
    expect(previewMailTemplate(admins.ian, draft)).toEqual({
      subject: "Join Example Corp now",
      text: "Go: https://delegate.example.com/account/invitation?token=SAMPLE-TOKEN (Jane <b>Doe</b>)",
      html: "<p>Jane &lt;b&gt;Doe&lt;/b&gt;</p>",
    });
    const typo = saveMailTemplateSchema.safeParse({ ...draft, text: "{{link}} {{usr_name}}" });
    expect(typo.success).toBe(false);
    expect(typo.error?.issues[0].message).toMatch(/^Unknown placeholder \{\{usr_name\}\}/);
    expect((await saveMailTemplate(admins.kelly, draft).catch((e) => e)).status).toBe(403);

    await saveMailTemplate(admins.ian, saveMailTemplateSchema.parse(draft));
    await invite("templated@acme.test");
    const custom = await eventually(async () => (await listMail(admins.ian)).mails.find((m) => m.to === "templated@acme.test"));
    expect(custom.subject).toBe("Join Acme Corp now");
    await resetMailTemplate(admins.ian, "invitation");
    await invite("default@acme.test");
    const standard = await eventually(async () => (await listMail(admins.ian)).mails.find((m) => m.to === "default@acme.test"));
    expect(standard.subject).toBe("You are invited to Acme Corp");
    const audit = await db().prisma.auditLog.findMany({ where: { action: { startsWith: "mail.template" } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => `${a.action}:${a.result}`)).toEqual(["mail.template_save:failure", "mail.template_save:success", "mail.template_reset:success"]);
  });
});
