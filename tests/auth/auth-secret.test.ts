import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * README: without NEXTAUTH_SECRET the console generates a secret once, keeps it in the data directory
 * (readable by its owner only) and uses the same one after a restart; NEXTAUTH_SECRET wins when set.
 * Each case loads lib/auth/secret.ts afresh, as a new process would.
 */
const saved = { dir: process.env.DELEGATE_DATA_DIR, secret: process.env.NEXTAUTH_SECRET };
const dirs: string[] = [];

async function freshGetAuthSecret() {
  vi.resetModules();
  const { resetConfigForTests } = await import("@/lib/config");
  resetConfigForTests();
  return (await import("@/lib/auth/secret")).getAuthSecret;
}

afterEach(async () => {
  for (const [key, value] of [["DELEGATE_DATA_DIR", saved.dir], ["NEXTAUTH_SECRET", saved.secret]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-secret-"));
  dirs.push(dir);
  return path.join(dir, "data");
}

describe("the auth secret", () => {
  it("is generated once into the data directory, owner-only, with a warning, and the same after a restart", async () => {
    const dir = dataDir();
    process.env.DELEGATE_DATA_DIR = dir;
    delete process.env.NEXTAUTH_SECRET;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const first = (await freshGetAuthSecret())();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(dir, "auth-secret");
    expect(fs.readFileSync(file, "utf8")).toBe(first);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^NEXTAUTH_SECRET is not set: generated one in .*auth-secret/));
    expect((await freshGetAuthSecret())()).toBe(first);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("is a different secret in another data directory", async () => {
    delete process.env.NEXTAUTH_SECRET;
    vi.spyOn(console, "warn").mockImplementation(() => {});
    process.env.DELEGATE_DATA_DIR = dataDir();
    const a = (await freshGetAuthSecret())();
    process.env.DELEGATE_DATA_DIR = dataDir();
    expect((await freshGetAuthSecret())()).not.toBe(a);
  });

  it("is NEXTAUTH_SECRET when it is set, and nothing is written", async () => {
    const dir = dataDir();
    process.env.DELEGATE_DATA_DIR = dir;
    process.env.NEXTAUTH_SECRET = "s".repeat(40);
    expect((await freshGetAuthSecret())()).toBe("s".repeat(40));
    expect(fs.existsSync(path.join(dir, "auth-secret"))).toBe(false);
  });
});
