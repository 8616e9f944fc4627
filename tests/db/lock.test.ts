import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/database";

const run = promisify(execFile);
const CHILD = path.join(import.meta.dirname, "open-embedded.ts");

interface Outcome {
  opened: boolean;
  ms: number;
  name?: string;
  message?: string;
}

/** Opens the embedded database in `dataDir` from a separate Node process. */
async function openInAnotherProcess(dataDir: string): Promise<{ code: number; outcome: Outcome }> {
  const result = await run(process.execPath, ["--import", "tsx", CHILD, dataDir], { cwd: process.cwd(), timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  return { code: result.code, outcome: JSON.parse(line) as Outcome };
}

const dirs: string[] = [];
const open: Database[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-lock-"));
  dirs.push(dir);
  return dir;
};

afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the embedded database's directory lock", () => {
  it("makes a second process fail at once with a message that names the directory and the owner", async () => {
    const dataDir = tempDir();
    const db = await openDatabase({ kind: "embedded", dataDir });
    open.push(db);
    await db.prisma.$queryRaw`SELECT 1`;

    const { code, outcome } = await openInAnotherProcess(dataDir);
    expect(code).toBe(1);
    expect(outcome).toMatchObject({ opened: false, name: "DataDirInUseError" });
    expect(outcome.message).toBe(
      `The embedded database in ${dataDir} is already in use by another process (pid ${process.pid}). ` +
        "Only one process can open it: stop that process first, or set DATABASE_URL to use a PostgreSQL server.",
    );
    // At once, without waiting for the owner to let go (a bound that a loaded machine still meets).
    expect(outcome.ms).toBeLessThan(5_000);
    // The owner is unaffected.
    expect(await db.prisma.$queryRaw`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
  });

  it("refuses a second opening inside the same process too", async () => {
    const dataDir = tempDir();
    open.push(await openDatabase({ kind: "embedded", dataDir }));
    await expect(openDatabase({ kind: "embedded", dataDir })).rejects.toThrow(/already in use by another process/);
  });

  it("is released on close, so the next process opens the directory", async () => {
    const dataDir = tempDir();
    const db = await openDatabase({ kind: "embedded", dataDir });
    await db.close();
    expect(fs.existsSync(path.join(dataDir, "delegate.lock"))).toBe(false);
    const { code, outcome } = await openInAnotherProcess(dataDir);
    expect(code).toBe(0);
    expect(outcome.opened).toBe(true);
  });

  it("takes over a lock left behind by a process that died", async () => {
    const dataDir = tempDir();
    const dead = await run(process.execPath, ["-e", "console.log(process.pid)"]);
    fs.writeFileSync(path.join(dataDir, "delegate.lock"), dead.stdout.trim());
    const db = await openDatabase({ kind: "embedded", dataDir });
    open.push(db);
    expect(fs.readFileSync(path.join(dataDir, "delegate.lock"), "utf8")).toBe(String(process.pid));
  });
});
