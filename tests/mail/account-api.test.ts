import { beforeAll, describe, expect, it } from "vitest";
import * as verificationJobRoute from "@/app/api/v2/jobs/verification-email/route";
import * as ticketRoute from "@/app/api/v2/tickets/password-change/route";
import * as invitationsRoute from "@/app/api/v2/users/[id]/invitations/route";
import * as passwordResetRoute from "@/app/api/v2/users/[id]/password-reset/route";
import * as userRoute from "@/app/api/v2/users/[id]/route";
import * as usersRoute from "@/app/api/v2/users/route";
import { acceptInvitation } from "@/lib/account/redeem-links";
import { hashAccountToken } from "@/lib/account/tokens";
import type { Actor } from "@/lib/auth/actor";
import { resetConfigForTests } from "@/lib/config";
import { DEMO_CONNECTION } from "@/lib/seed/demo-data";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";
import { call, tokenFor } from "../api/api-client";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
const tokens = {} as Record<"ian" | "aud", string>;

beforeAll(async () => {
  delete process.env.SMTP_URL;
  process.env.DELEGATE_PUBLIC_URL = "https://delegate.acme.test";
  resetConfigForTests();
  admins = await seedAndLoadAdmins(db(), 2);
  tokens.ian = await tokenFor(admins.ian, admins.ian);
  tokens.aud = await tokenFor(admins.aud, admins.ian);
});

const invite = (email: string) =>
  call(usersRoute.POST, "POST", { token: tokens.ian, body: { email, connection: DEMO_CONNECTION, send_invitation: true } });

describe("invitations over the API", () => {
  it("POST /api/v2/users with send_invitation and no password invites; a password with it, or neither, is a 400 on password", async () => {
    const created = await invite("api-invite@acme.test");
    expect(created.status).toBe(201);
    expect(created.body.email_verified).toBe(false);
    const mail = await db().prisma.mailMessage.findFirstOrThrow({ where: { userId: created.body.user_id } });
    expect(mail.kind).toBe("invitation");

    const both = await call(usersRoute.POST, "POST", {
      token: tokens.ian,
      body: { email: "both@acme.test", connection: DEMO_CONNECTION, send_invitation: true, password: "Some-pass-1" },
    });
    expect(both.status).toBe(400);
    expect(both.body.fields).toEqual({ password: "Leave the password out when sending an invitation: the user chooses it." });
    const neither = await call(usersRoute.POST, "POST", { token: tokens.ian, body: { email: "neither@acme.test", connection: DEMO_CONNECTION } });
    expect(neither.status).toBe(400);
    expect(neither.body.fields).toEqual({ password: "Enter a password, or send an invitation (send_invitation: true)." });
  });

  it("resends (201, a new link) and revokes (204, then 409) an invitation; an Auditor gets 403", async () => {
    const { body: user } = await invite("api-resend@acme.test");
    const resent = await call(invitationsRoute.POST, "POST", { token: tokens.ian, id: user.user_id });
    expect(resent.status).toBe(201);
    expect(resent.body.user_id).toBe(user.user_id);
    expect(new Date(resent.body.expires_at).getTime()).toBeGreaterThan(Date.now() + 7 * 24 * 3600_000 - 60_000);
    expect(await db().prisma.mailMessage.count({ where: { userId: user.user_id } })).toBe(2);
    expect((await call(invitationsRoute.POST, "POST", { token: tokens.aud, id: user.user_id })).status).toBe(403);
    expect((await call(invitationsRoute.DELETE, "DELETE", { token: tokens.ian, id: user.user_id })).status).toBe(204);
    const again = await call(invitationsRoute.DELETE, "DELETE", { token: tokens.ian, id: user.user_id });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe("api-resend@acme.test has no open invitation.");
  });
});

describe("invited in the user profile", () => {
  it("is true in the create answer, the read and the list while the invitation is open; false once accepted or revoked, and for a user with a password", async () => {
    const created = await invite("api-invited@acme.test");
    expect(created.body.invited).toBe(true);
    const read = async (id: string) => (await call(userRoute.GET, "GET", { token: tokens.aud, id })).body.invited;
    const listed = async (email: string) =>
      (await call(usersRoute.GET, "GET", { token: tokens.aud, query: { search: email } })).body.users.map((u: { email: string; invited: boolean }) => [u.email, u.invited]);
    expect(await read(created.body.user_id)).toBe(true);
    expect(await listed("api-invited@acme.test")).toEqual([["api-invited@acme.test", true]]);

    const mail = await db().prisma.mailMessage.findFirstOrThrow({ where: { userId: created.body.user_id, kind: "invitation" } });
    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.text!)![1];
    await acceptInvitation(token, { password: "Accepted-pw-1", repeatPassword: "Accepted-pw-1" }, { ipAddress: "198.51.100.40" });
    expect(await read(created.body.user_id)).toBe(false);
    expect(await listed("api-invited@acme.test")).toEqual([["api-invited@acme.test", false]]);

    const revoked = await invite("api-revoked@acme.test");
    expect((await call(invitationsRoute.DELETE, "DELETE", { token: tokens.ian, id: revoked.body.user_id })).status).toBe(204);
    expect(await read(revoked.body.user_id)).toBe(false);
    const withPassword = await call(usersRoute.POST, "POST", { token: tokens.ian, body: { email: "api-password@acme.test", connection: DEMO_CONNECTION, password: "Has-a-pw-1" } });
    expect(withPassword.body.invited).toBe(false);
    const patched = await call(userRoute.PATCH, "PATCH", { token: tokens.ian, id: withPassword.body.user_id, body: { name: "Has Password" } });
    expect(patched.body).toMatchObject({ name: "Has Password", invited: false });
  });
});

describe("tickets, resets and verification jobs", () => {
  it("POST /api/v2/tickets/password-change answers { ticket } with the ttl asked, and refuses unknown fields", async () => {
    const { body: user } = await call(usersRoute.POST, "POST", {
      token: tokens.ian,
      body: { email: "api-ticket@acme.test", connection: DEMO_CONNECTION, password: "Ticket-pass-1" },
    });
    const ticket = await call(ticketRoute.POST, "POST", { token: tokens.ian, body: { user_id: user.user_id, ttl_sec: 3600 } });
    expect(ticket.status).toBe(201);
    expect(Object.keys(ticket.body)).toEqual(["ticket"]);
    expect(ticket.body.ticket).toMatch(/^https:\/\/delegate\.acme\.test\/account\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    const row = await db().prisma.accountToken.findUniqueOrThrow({
      where: { tokenHash: hashAccountToken(new URL(ticket.body.ticket).searchParams.get("token")!) },
    });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(3_600_000);
    const unknown = await call(ticketRoute.POST, "POST", { token: tokens.ian, body: { user_id: user.user_id, result_url: "https://x" } });
    expect(unknown.status).toBe(400);
    const tooLong = await call(ticketRoute.POST, "POST", { token: tokens.ian, body: { user_id: user.user_id, ttl_sec: 30 * 24 * 3600 + 1 } });
    expect(tooLong.status).toBe(400);
    expect((await call(ticketRoute.POST, "POST", { token: tokens.ian, body: { user_id: user.user_id, ttl_sec: 30 * 24 * 3600 } })).status).toBe(201);
  });

  it("POST /users/{id}/password-reset queues a reset mail (204); POST /jobs/verification-email answers Auth0's job", async () => {
    const { body: user } = await call(usersRoute.POST, "POST", {
      token: tokens.ian,
      body: { email: "api-reset@acme.test", connection: DEMO_CONNECTION, password: "Reset-pass-1" },
    });
    expect((await call(passwordResetRoute.POST, "POST", { token: tokens.ian, id: user.user_id })).status).toBe(204);
    const job = await call(verificationJobRoute.POST, "POST", { token: tokens.ian, body: { user_id: user.user_id } });
    expect(job.status).toBe(201);
    expect(job.body).toMatchObject({ type: "verification_email", status: "pending" });
    const kinds = (await db().prisma.mailMessage.findMany({ where: { userId: user.user_id }, orderBy: { createdAt: "asc" } })).map((m) => m.kind);
    expect(kinds).toEqual(["password_reset", "email_verification"]);
    expect(job.body.id).toBe((await db().prisma.mailMessage.findFirstOrThrow({ where: { userId: user.user_id, kind: "email_verification" } })).id);
    expect((await call(verificationJobRoute.POST, "POST", { token: tokens.aud, body: { user_id: user.user_id } })).status).toBe(403);
  });
});
