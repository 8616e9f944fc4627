import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPasswordChangeTicket, resendInvitation, revokeInvitation, sendPasswordResetEmail, sendVerificationEmail } from "@/lib/account/admin-links";
import { FORGOT_PASSWORD_ANSWER, requestPasswordReset, settleResetRequests } from "@/lib/account/forgot-password";
import { changeRequiredPassword } from "@/lib/account/required-change";
import { hashAccountToken } from "@/lib/account/tokens";
import { acceptInvitation, AccountLinkError, resetPassword, verifyEmail } from "@/lib/account/redeem-links";
import type { Actor } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { resetConfigForTests } from "@/lib/config";
import type { DeliveryWorker } from "@/lib/delivery/worker";
import { closeMailTransport } from "@/lib/mail/transport";
import { parseInput } from "@/lib/errors";
import { forgotPasswordSchema } from "@/lib/schemas/account";
import { createUserSchema } from "@/lib/schemas/user";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { createUser } from "@/lib/users/create-user";
import { updateUser } from "@/lib/users/update-user";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { eventually } from "../delivery/support/receiver";
import { startTestWorker } from "../delivery/support/worker";
import { linkIn, startSmtpReceiver, type SmtpReceiver } from "./support/smtp-receiver";

const request = { ipAddress: "198.51.100.9", userAgent: "vitest" };
let smtp: SmtpReceiver;
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let worker: DeliveryWorker;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = '"Acme Accounts" <accounts@acme.test>';
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
  delete process.env.MAIL_FROM;
});

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
const invite = (email: string, overrides: Record<string, unknown> = {}) =>
  createUser(admins.ian, createUserSchema.parse({ email, connection: DEMO_CONNECTION, send_invitation: true, ...overrides }));
const mailTo = (email: string, after = 0) => smtp.waitFor((mail) => mail.to.includes(email) && smtp.mails.indexOf(mail) >= after);

describe("invitations", () => {
  it("creates the user without a password, mails a single-use link that is stored hashed, and erases the sent body", async () => {
    const user = await invite("invitee@acme.test", { name: "Ina Vitee" });
    const mail = await mailTo("invitee@acme.test");
    expect(mail.from).toBe("accounts@acme.test");
    expect(mail.subject).toBe("You are invited to Acme Corp");
    const link = linkIn(mail);
    expect(link).toMatch(/^https:\/\/delegate\.acme\.test\/account\/invitation\?token=[A-Za-z0-9_-]{43}$/);
    expect(mail.text).toContain("Hello Ina Vitee,");

    const row = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(row.passwordHash).toBeNull();
    expect(row.invitedAt).not.toBeNull();
    const stored = await db().prisma.accountToken.findFirstOrThrow({ where: { userId: user.user_id } });
    expect(stored.tokenHash).toBe(hashAccountToken(tokenOf(link)));
    expect(JSON.stringify(stored)).not.toContain(tokenOf(link));
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(7 * 24 * 3600 * 1000);
    const sent = await eventually(() => db().prisma.mailMessage.findFirst({ where: { userId: user.user_id, sentAt: { not: null } } }));
    expect(sent).toMatchObject({ transport: "smtp", text: null, html: null, to: "invitee@acme.test" });
    expect(sent.response).toMatch(/^250 /);
  });

  it("accepting checks the connection's policy, sets the password, verifies the email, and works once", async () => {
    const user = await invite("accept@acme.test");
    const token = tokenOf(linkIn(await mailTo("accept@acme.test")));
    const weak = await acceptInvitation(token, { password: "short", repeatPassword: "short" }, request).catch((e) => e);
    expect(weak.fieldErrors).toEqual({ password: "The password must be at least 8 characters long." });

    await acceptInvitation(token, { password: "Chosen-pass-1", repeatPassword: "Chosen-pass-1" }, request);
    const row = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(await verifyPassword(row.passwordHash, "Chosen-pass-1")).toBe(true);
    expect(row).toMatchObject({ emailVerified: true, invitedAt: null });
    const audit = await db().prisma.auditLog.findFirstOrThrow({ where: { targetUserId: user.user_id, action: "account.accept_invitation" } });
    expect(audit).toMatchObject({ channel: "account", actorId: user.user_id, result: "success" });
    const events = await db().prisma.event.findMany({ where: { type: "user.update.complete" } });
    expect(events.some((event) => JSON.stringify(event.payload).includes(user.user_id))).toBe(true);

    const reused = await acceptInvitation(token, { password: "Another-pass-2", repeatPassword: "Another-pass-2" }, request).catch((e) => e);
    expect(reused).toBeInstanceOf(AccountLinkError);
    expect(reused.problem).toBe("used");
  });

  it("refuses a tampered token, an expired one (both sides of the expiry) and one replaced by a resend", async () => {
    const user = await invite("edges@acme.test");
    const first = tokenOf(linkIn(await mailTo("edges@acme.test")));
    const tampered = first.slice(0, -1) + (first.endsWith("A") ? "B" : "A");
    const password = { password: "Edge-case-pass-1", repeatPassword: "Edge-case-pass-1" };
    expect((await acceptInvitation(tampered, password, request).catch((e) => e)).problem).toBe("invalid");
    expect((await acceptInvitation(`${first}x`, password, request).catch((e) => e)).problem).toBe("invalid");

    const count = smtp.mails.length;
    await resendInvitation(admins.ian, user.user_id);
    const second = tokenOf(linkIn(await mailTo("edges@acme.test", count)));
    expect(second).not.toBe(first);
    expect((await acceptInvitation(first, password, request).catch((e) => e)).problem).toBe("revoked");

    const hash = hashAccountToken(second);
    await db().prisma.accountToken.update({ where: { tokenHash: hash }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await acceptInvitation(second, password, request).catch((e) => e)).problem).toBe("expired");
    await db().prisma.accountToken.update({ where: { tokenHash: hash }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    await acceptInvitation(second, password, request);
  });

  it("a revoked invitation's link stops working; resending to a user with a password is refused", async () => {
    const user = await invite("revoke@acme.test");
    const token = tokenOf(linkIn(await mailTo("revoke@acme.test")));
    await revokeInvitation(admins.ian, user.user_id);
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } })).invitedAt).toBeNull();
    const refused = await acceptInvitation(token, { password: "Revoked-pass-1", repeatPassword: "Revoked-pass-1" }, request).catch((e) => e);
    expect(refused.problem).toBe("revoked");
    const again = await revokeInvitation(admins.ian, user.user_id).catch((e) => e);
    expect(again.status).toBe(409);

    const withPassword = await createUser(admins.ian, createUserSchema.parse({ email: "haspw@acme.test", connection: DEMO_CONNECTION, password: "Has-password-1" }));
    const resend = await resendInvitation(admins.ian, withPassword.user_id).catch((e) => e);
    expect(resend.status).toBe(409);
    expect(resend.message).toBe("haspw@acme.test already has a password: send a password reset email instead of an invitation.");
  });

  it("puts user data into the template as text: escaped in HTML, never expanded as a placeholder", async () => {
    const user = await invite("escape@acme.test", { name: "<img src=x onerror=alert(1)> {{link}}" });
    const mail = await mailTo("escape@acme.test");
    expect(mail.text).toContain("Hello <img src=x onerror=alert(1)> {{link}},");
    expect(mail.raw).not.toContain("<img src=x");
    expect(mail.raw.replace(/=\r?\n/g, "")).toContain("&lt;img src=3Dx onerror=3Dalert(1)&gt; {{link}}");
    expect(user.name).toBe("<img src=x onerror=alert(1)> {{link}}");
  });
});

describe("password reset, tickets and verification", () => {
  it("a reset mail's link sets a new password and ends the user's sessions; the old link is then used up", async () => {
    const user = await createUser(admins.ian, createUserSchema.parse({ email: "reset@acme.test", connection: DEMO_CONNECTION, password: "Old-password-1" }));
    const before = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    await sendPasswordResetEmail(admins.ian, user.user_id);
    const mail = await mailTo("reset@acme.test");
    expect(mail.subject).toBe("Reset your Acme Corp password");
    const token = tokenOf(linkIn(mail));
    expect(linkIn(mail)).toMatch(/^https:\/\/delegate\.acme\.test\/account\/reset-password\?token=/);
    await resetPassword(token, { password: "New-password-2", repeatPassword: "New-password-2" }, request);
    const after = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(await verifyPassword(after.passwordHash, "New-password-2")).toBe(true);
    expect(await verifyPassword(after.passwordHash, "Old-password-1")).toBe(false);
    expect(after.sessionGeneration).toBe(before.sessionGeneration + 1);
    expect(after.emailVerified).toBe(before.emailVerified);
    expect((await resetPassword(token, { password: "Third-pass-3", repeatPassword: "Third-pass-3" }, request).catch((e) => e)).problem).toBe("used");
    const audit = await db().prisma.auditLog.findMany({ where: { targetUserId: user.user_id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((entry) => entry.action)).toEqual(["user.create", "user.send_password_reset", "account.reset_password"]);
  });

  it("a password-change ticket answers a URL without a mail, honours ttl_sec and mark_email_as_verified", async () => {
    const user = await createUser(admins.ian, createUserSchema.parse({ email: "ticket@acme.test", connection: DEMO_CONNECTION, password: "Ticket-pass-1" }));
    const count = smtp.mails.length;
    const ticket = await createPasswordChangeTicket(admins.ian, { user_id: user.user_id, ttl_sec: 600, mark_email_as_verified: true });
    expect(ticket.mailId).toBeNull();
    const row = await db().prisma.accountToken.findUniqueOrThrow({ where: { tokenHash: hashAccountToken(tokenOf(ticket.url)) } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(600_000);
    await resetPassword(tokenOf(ticket.url), { password: "Ticket-pass-2", repeatPassword: "Ticket-pass-2" }, request);
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } })).emailVerified).toBe(true);
    expect(smtp.mails.length).toBe(count);
  });

  it("changing the email sets email_verified false and mails a verification to the new address only", async () => {
    const user = await createUser(admins.ian, createUserSchema.parse({ email: "old@acme.test", connection: DEMO_CONNECTION, password: "Verify-pass-1", email_verified: true }));
    await sendVerificationEmail(admins.ian, user.user_id);
    const oldToken = tokenOf(linkIn(await mailTo("old@acme.test")));
    const changed = await updateUser(admins.ian, user.user_id, { email: "new@acme.test" });
    expect(changed.email_verified).toBe(false);
    const mail = await mailTo("new@acme.test");
    expect(mail.subject).toBe("Verify your email address for Acme Corp");
    expect((await verifyEmail(oldToken, request).catch((e) => e)).problem).toBe("revoked");
    await verifyEmail(tokenOf(linkIn(mail)), request);
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } })).emailVerified).toBe(true);
  });

  it("a temporary password sets password_change_required; a later password without it clears the demand", async () => {
    const user = await createUser(admins.ian, createUserSchema.parse({ email: "temp@acme.test", connection: DEMO_CONNECTION, password: "Temporary-1", password_change_required: true }));
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } })).passwordChangeRequired).toBe(true);
    await updateUser(admins.ian, user.user_id, { password: "Permanent-2" });
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } })).passwordChangeRequired).toBe(false);
    await updateUser(admins.ian, user.user_id, { password: "Temporary-3", password_change_required: true });
    expect((await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } })).passwordChangeRequired).toBe(true);
  });
});

describe("forgot password", () => {
  it("answers the same for a known and an unknown email, mails only the known one, and stops mailing one email after 3", async () => {
    await createUser(admins.ian, createUserSchema.parse({ email: "forgot@acme.test", connection: DEMO_CONNECTION, password: "Forgot-pass-1" }));
    const count = smtp.mails.length;
    const known = await requestPasswordReset("forgot@acme.test", { ipAddress: "198.51.100.20" });
    const unknown = await requestPasswordReset("nobody@acme.test", { ipAddress: "198.51.100.20" });
    expect(known).toBe(FORGOT_PASSWORD_ANSWER);
    expect(unknown).toBe(FORGOT_PASSWORD_ANSWER);
    await settleResetRequests();
    await mailTo("forgot@acme.test", count);
    for (let i = 0; i < 3; i++) expect(await requestPasswordReset("forgot@acme.test", { ipAddress: "198.51.100.21" })).toBe(FORGOT_PASSWORD_ANSWER);
    await settleResetRequests();
    expect(await db().prisma.mailMessage.count({ where: { to: "forgot@acme.test", kind: "password_reset" } })).toBe(3);
    expect(await db().prisma.mailMessage.count({ where: { to: "nobody@acme.test" } })).toBe(0);
  });

  it("puts the sign-in page to return to into the reset link, and accepts only a sign-in page of this site", async () => {
    await createUser(admins.ian, createUserSchema.parse({ email: "return@acme.test", connection: DEMO_CONNECTION, password: "Return-pass-1" }));
    const count = smtp.mails.length;
    const input = parseInput(forgotPasswordSchema, { email: "return@acme.test", return_to: "/interaction/Ab_c-9" });
    await requestPasswordReset(input.email, { ipAddress: "198.51.100.22" }, input.return_to);
    await settleResetRequests();
    const link = new URL(linkIn(await mailTo("return@acme.test", count)));
    expect(link.pathname).toBe("/account/reset-password");
    expect(link.searchParams.get("return_to")).toBe("/interaction/Ab_c-9");
    for (const returnTo of ["https://evil.example/interaction/x", "//evil.example/interaction/x", "/interaction/x/../../admin", "/users"]) {
      expect(forgotPasswordSchema.safeParse({ email: "return@acme.test", return_to: returnTo }).success, returnTo).toBe(false);
    }
  });

  it("refuses the 11th request from one address within the window with 429, whatever the email", async () => {
    for (let i = 0; i < 10; i++) await requestPasswordReset(`probe${i}@acme.test`, { ipAddress: "198.51.100.30" });
    const refused = await requestPasswordReset("probe-last@acme.test", { ipAddress: "198.51.100.30" }).catch((e) => e);
    expect(refused.status).toBe(429);
    expect(await requestPasswordReset("probe-last@acme.test", { ipAddress: "198.51.100.31" })).toBe(FORGOT_PASSWORD_ANSWER);
    await settleResetRequests();
  });
});

describe("the forced password change", () => {
  it("asks for the temporary password and a different new one, then clears the demand", async () => {
    const required = async (id: string) => (await db().prisma.user.findUniqueOrThrow({ where: { id } })).passwordChangeRequired;
    const user = await createUser(admins.ian, createUserSchema.parse({ email: "forced@acme.test", connection: DEMO_CONNECTION, password: "Temporary-1", password_change_required: true }));
    expect(await required(user.user_id)).toBe(true);
    const wrong = await changeRequiredPassword(user.user_id, { currentPassword: "Wrong-1", password: "Chosen-pw-2", repeatPassword: "Chosen-pw-2" }, request).catch((e) => e);
    expect(wrong.fieldErrors).toEqual({ currentPassword: "This is not your current (temporary) password." });
    const same = await changeRequiredPassword(user.user_id, { currentPassword: "Temporary-1", password: "Temporary-1", repeatPassword: "Temporary-1" }, request).catch((e) => e);
    expect(same.fieldErrors).toEqual({ password: "Choose a password different from the temporary one." });
    await changeRequiredPassword(user.user_id, { currentPassword: "Temporary-1", password: "Chosen-pw-2", repeatPassword: "Chosen-pw-2" }, request);
    expect(await required(user.user_id)).toBe(false);
    const row = await db().prisma.user.findUniqueOrThrow({ where: { id: user.user_id } });
    expect(await verifyPassword(row.passwordHash, "Chosen-pw-2")).toBe(true);
    const again = await changeRequiredPassword(user.user_id, { currentPassword: "Chosen-pw-2", password: "Third-pw-3", repeatPassword: "Third-pw-3" }, request).catch((e) => e);
    expect(again.status).toBe(409);
  });
});
