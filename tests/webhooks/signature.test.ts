import crypto from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  activeSecrets,
  generateWebhookSecret,
  isWebhookSecret,
  PREVIOUS_SECRET_GRACE_MS,
  sign,
  signatureHeaders,
} from "@/lib/webhooks/signature";

/** Standard Webhooks signing (lib/webhooks/signature.ts), checked against the reference library and literals. */
const secretOf = (bytes: number, fill = 7) => "whsec_" + Buffer.alloc(bytes, fill).toString("base64");
const SECRET = secretOf(32);
const OLD_SECRET = secretOf(32, 9);

describe("sign", () => {
  it("is the HMAC-SHA256 of id.timestamp.body keyed with the secret's bytes, as the reference library computes it", () => {
    const body = '{"event":{"id":"e1"}}';
    const signature = sign(SECRET, "msg_1", 1_700_000_000, body);
    const expected = crypto.createHmac("sha256", Buffer.alloc(32, 7)).update(`msg_1.1700000000.${body}`).digest("base64");
    expect(signature).toBe(`v1,${expected}`);
    const headers = { "webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": signature };
    expect(new Webhook(SECRET).sign("msg_1", new Date(1_700_000_000_000), body)).toBe(signature);
    expect(() => new Webhook(SECRET).verify(body, { ...headers, "webhook-timestamp": String(Math.floor(Date.now() / 1000)) })).toThrow();
  });

  it("changes with each of the id, the timestamp, the body and the secret", () => {
    const base = sign(SECRET, "a", 1, "b");
    expect(sign(SECRET, "a2", 1, "b")).not.toBe(base);
    expect(sign(SECRET, "a", 2, "b")).not.toBe(base);
    expect(sign(SECRET, "a", 1, "b2")).not.toBe(base);
    expect(sign(OLD_SECRET, "a", 1, "b")).not.toBe(base);
  });
});

describe("signatureHeaders", () => {
  it("signs with every secret given, current first, space-separated, and the reference library verifies each", () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([SECRET, OLD_SECRET], "msg_2", "{}", now);
    expect(headers["webhook-id"]).toBe("msg_2");
    expect(headers["webhook-timestamp"]).toBe(String(now));
    expect(headers["webhook-signature"]).toBe(`${sign(SECRET, "msg_2", now, "{}")} ${sign(OLD_SECRET, "msg_2", now, "{}")}`);
    const asHeaders = headers as unknown as Record<string, string>;
    expect(() => new Webhook(SECRET).verify("{}", asHeaders)).not.toThrow();
    expect(() => new Webhook(OLD_SECRET).verify("{}", asHeaders)).not.toThrow();
    expect(() => new Webhook(secretOf(32, 1)).verify("{}", asHeaders)).toThrow();
  });

  it("uses the current second by default", () => {
    const before = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([SECRET], "msg_3", "{}");
    const after = Math.floor(Date.now() / 1000);
    expect(Number(headers["webhook-timestamp"])).toBeGreaterThanOrEqual(before);
    expect(Number(headers["webhook-timestamp"])).toBeLessThanOrEqual(after);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(1);
  });
});

describe("activeSecrets: the previous secret signs for 24 hours after a rotation, not a millisecond more", () => {
  const expiresAt = new Date("2026-12-08T10:00:00.000Z");
  const endpoint = { secret: SECRET, previousSecret: OLD_SECRET, previousSecretExpiresAt: expiresAt };

  it("is 24 hours", () => {
    expect(PREVIOUS_SECRET_GRACE_MS).toBe(86_400_000);
  });

  it("signs with both until the last millisecond before expiry", () => {
    expect(activeSecrets(endpoint, new Date("2026-12-08T09:59:59.999Z"))).toEqual([SECRET, OLD_SECRET]);
    expect(activeSecrets(endpoint, new Date("2026-12-07T10:00:00.000Z"))).toEqual([SECRET, OLD_SECRET]);
  });

  it("signs with the current secret alone from the moment of expiry on", () => {
    expect(activeSecrets(endpoint, new Date("2026-12-08T10:00:00.000Z"))).toEqual([SECRET]);
    expect(activeSecrets(endpoint, new Date("2026-12-08T10:00:00.001Z"))).toEqual([SECRET]);
  });

  it("signs with the current secret alone without a previous secret or without its expiry", () => {
    expect(activeSecrets({ secret: SECRET, previousSecret: null, previousSecretExpiresAt: expiresAt }, new Date(0))).toEqual([SECRET]);
    expect(activeSecrets({ secret: SECRET, previousSecret: OLD_SECRET, previousSecretExpiresAt: null }, new Date(0))).toEqual([SECRET]);
  });

  it("compares with the current time by default", () => {
    const future = { ...endpoint, previousSecretExpiresAt: new Date(Date.now() + 60_000) };
    const past = { ...endpoint, previousSecretExpiresAt: new Date(Date.now() - 60_000) };
    expect(activeSecrets(future)).toEqual([SECRET, OLD_SECRET]);
    expect(activeSecrets(past)).toEqual([SECRET]);
  });
});

describe("webhook secrets", () => {
  it("are whsec_ and 32 random bytes in base64, different each time", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
    expect(isWebhookSecret(a)).toBe(true);
  });

  it("accept keys of 24 to 64 bytes with the whsec_ prefix, and nothing else", () => {
    expect(isWebhookSecret(secretOf(23))).toBe(false);
    expect(isWebhookSecret(secretOf(24))).toBe(true);
    expect(isWebhookSecret(secretOf(64))).toBe(true);
    expect(isWebhookSecret(secretOf(65))).toBe(false);
    expect(isWebhookSecret(secretOf(32).replace("whsec_", "wsec_"))).toBe(false);
    expect(isWebhookSecret(Buffer.alloc(32, 7).toString("base64"))).toBe(false);
  });
});
