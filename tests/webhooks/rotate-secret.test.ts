import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createWebhookEndpointSchema } from "@/lib/schemas/webhook";
import { createWebhookEndpoint } from "@/lib/webhooks/create-endpoint";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-secret";
import { activeSecrets, isWebhookSecret } from "@/lib/webhooks/signature";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/** Secret rotation (lib/webhooks/rotate-secret.ts) without a delivery worker: who may, what is stored, what is audited. */
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 0);
});

const endpoint = (url: string) =>
  createWebhookEndpoint(admins.ian, createWebhookEndpointSchema.parse({ url, eventTypes: ["user.create.complete"] }));
const rotations = (endpointId: string) =>
  db().prisma.auditLog.findMany({ where: { action: "webhook.rotate_secret", details: { path: ["endpointId"], equals: endpointId } } });

describe("rotateWebhookSecret", () => {
  it("gives the endpoint a new secret and keeps the replaced one signing for exactly 24 hours, audited with the URL", async () => {
    const created = await endpoint("https://rotate.example/hook");
    const before = Date.now();
    const rotated = await rotateWebhookSecret(admins.ian, created.id);
    const after = Date.now();

    const row = await db().prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(isWebhookSecret(row.secret)).toBe(true);
    expect(row.secret).not.toBe(created.secret);
    expect(row.previousSecret).toBe(created.secret);
    expect(row.previousSecretExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(row.previousSecretExpiresAt!.getTime()).toBeLessThanOrEqual(after + 86_400_000);
    expect(rotated).toMatchObject({ id: created.id, secret: row.secret, previousSecretExpiresAt: row.previousSecretExpiresAt });
    expect(activeSecrets(row)).toEqual([row.secret, created.secret]);

    const entries = await rotations(created.id);
    expect(entries.map(({ result, actorEmail, details }) => ({ result, actorEmail, details }))).toEqual([
      { result: "success", actorEmail: "ian@example.com", details: { endpointId: created.id, url: "https://rotate.example/hook" } },
    ]);
  });

  it("a second rotation replaces the previous secret with the one it replaces: only two ever sign", async () => {
    const created = await endpoint("https://rotate-twice.example/hook");
    const first = await rotateWebhookSecret(admins.ian, created.id);
    const second = await rotateWebhookSecret(admins.ian, created.id);
    const row = await db().prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secret).toBe(second.secret);
    expect(row.previousSecret).toBe(first.secret);
    expect(activeSecrets(row)).toEqual([second.secret, first.secret]);
  });

  it.each(["kelly", "olga", "aud"] as const)("refuses %s (not an Administrator) with 403, changes nothing and audits the failure", async (name) => {
    const created = await endpoint(`https://rotate-${name}.example/hook`);
    const error = await rotateWebhookSecret(admins[name], created.id).catch((e) => e);
    expect([error.status, error.message]).toEqual([403, "Only Administrators can change the configuration."]);
    const row = await db().prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect([row.secret, row.previousSecret, row.previousSecretExpiresAt]).toEqual([created.secret, null, null]);
    const entries = await rotations(created.id);
    expect(entries.map(({ result, actorEmail, errorMessage, details }) => ({ result, actorEmail, errorMessage, details }))).toEqual([
      {
        result: "failure",
        actorEmail: `${name}@example.com`,
        errorMessage: "Only Administrators can change the configuration.",
        details: { endpointId: created.id },
      },
    ]);
  });

  it("answers 404 for an unknown endpoint", async () => {
    const error = await rotateWebhookSecret(admins.ian, "00000000-0000-4000-8000-000000000000").catch((e) => e);
    expect(error.status).toBe(404);
  });
});
