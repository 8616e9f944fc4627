import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { HookKind } from "./kinds";
import type { HostFunction } from "./sandbox";

/** DAE's limit for the custom data (Auth0's extension storage). */
export const CUSTOM_DATA_MAX_BYTES = 400 * 1024;

export const CUSTOM_DATA_CONFLICT =
  "ctx.write(): the custom data changed since this hook read it (another hook wrote it in between). Read it again and retry.";

/** The shared document and its version (0 before the first write). */
export async function readCustomData(): Promise<{ data: unknown; version: number }> {
  const prisma = await getPrisma();
  const row = await prisma.hookCustomData.findUnique({ where: { id: 1 } });
  return row ? { data: row.data, version: row.version } : { data: {}, version: 0 };
}

/**
 * Replaces the document and audits the write, in one transaction. With `expectedVersion` (the version
 * this run read) the write only happens if nobody wrote since: concurrent read-modify-write hooks never
 * lose each other's update; one of them gets CUSTOM_DATA_CONFLICT instead.
 */
export async function writeCustomData(actor: Actor, kind: HookKind, data: unknown, expectedVersion: number | null): Promise<number> {
  const json = JSON.stringify(data ?? {});
  const bytes = Buffer.byteLength(json);
  if (bytes > CUSTOM_DATA_MAX_BYTES) {
    throw new Error(`ctx.write(): the custom data is ${bytes} bytes; it may be at most ${CUSTOM_DATA_MAX_BYTES} bytes (400 KB).`);
  }
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ version: number }[]>(Prisma.sql`
      INSERT INTO hook_custom_data (id, data, version, updated_at) VALUES (1, ${json}::jsonb, 1, now())
      ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, version = hook_custom_data.version + 1, updated_at = now()
        WHERE ${expectedVersion}::int IS NULL OR hook_custom_data.version = ${expectedVersion}::int
      RETURNING version`);
    const written = rows[0];
    if (!written) throw new Error(CUSTOM_DATA_CONFLICT);
    await recordAudit(tx, actor, { action: "hook.custom_data.write", details: { hook: kind, bytes, version: written.version } });
    return written.version;
  });
}

/** Hooks that never name read or write cannot call ctx.read()/ctx.write(): they keep running without host functions. */
export function mayUseCustomData(code: string): boolean {
  return /\b(read|write)\b/.test(code);
}

/** `ctx.read` and `ctx.write` of one run: a write after a read in the same run is conditional on that read. */
export function customDataFunctions(actor: Actor, kind: HookKind): Record<"read" | "write", HostFunction> {
  let readVersion: number | null = null;
  return {
    async read() {
      const { data, version } = await readCustomData();
      readVersion = version;
      return data;
    },
    async write(data: unknown) {
      const version = await writeCustomData(actor, kind, data, readVersion);
      if (readVersion !== null) readVersion = version;
      return undefined;
    },
  };
}
