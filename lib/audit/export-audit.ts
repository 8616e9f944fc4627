import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ExportAuditInput } from "@/lib/schemas/audit";
import { readableAuditConditions } from "./list-audit";
import { recordAudit } from "./record";

/*
 * The filtered log as CSV or NDJSON, streamed: the entries the admin may read with the logs page's filters
 * (the same WHERE), in chain order, fetched in batches by `seq` as the client reads, so an export of any
 * size holds one batch in memory. Each line carries `seq`, `prev_hash` and `hash`, so an entry can be checked
 * against the chain outside Delegate (lib/audit/chain.ts says how the hash is computed).
 */

const BATCH = 500;

export const EXPORT_COLUMNS = [
  "seq",
  "id",
  "created_at",
  "actor_id",
  "actor_email",
  "channel",
  "action",
  "target_user_id",
  "target_email",
  "ip_address",
  "user_agent",
  "result",
  "error_message",
  "details",
  "prev_hash",
  "hash",
] as const;

type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | null>;

/** A CSV field: quoted when needed; a text a spreadsheet would run as a formula starts with an apostrophe. */
export function csvField(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function line(format: ExportAuditInput["format"], row: ExportRow): string {
  if (format === "csv") return `${EXPORT_COLUMNS.map((column) => csvField(row[column])).join(",")}\r\n`;
  const { details, ...rest } = row;
  return `${JSON.stringify({ ...rest, seq: Number(row.seq), details: details === null ? null : (JSON.parse(details) as unknown) })}\n`;
}

export interface AuditExport {
  stream: ReadableStream<Uint8Array>;
  contentType: string;
  filename: string;
}

/** Starts an export (audited as `audit.export` with its filters); the stream reads the entries as it is consumed. */
export async function exportAuditLog(actor: Actor, input: ExportAuditInput, options: { batchSize?: number } = {}): Promise<AuditExport> {
  const conditions = await readableAuditConditions(actor, input);
  const prisma = await getPrisma();
  const { format, ...filters } = input;
  await recordAudit(prisma, actor, { action: "audit.export", details: { format, ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) } });
  const batchSize = options.batchSize ?? BATCH;
  const encoder = new TextEncoder();
  let after = 0n;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (format === "csv") controller.enqueue(encoder.encode(`${EXPORT_COLUMNS.join(",")}\r\n`));
    },
    async pull(controller) {
      if (done) return;
      const rows = await prisma.$queryRaw<(ExportRow & { position: bigint })[]>`
        SELECT a.seq AS position, a.seq::text AS seq, a.id::text AS id,
          to_char(a.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, a.actor_id::text AS actor_id, a.actor_email,
          a.channel, a.action, a.target_user_id::text AS target_user_id, a.target_email, a.ip_address, a.user_agent, a.result,
          a.error_message, a.details::text AS details, a.prev_hash, a.hash
        FROM audit_logs a WHERE ${Prisma.join([...conditions, Prisma.sql`a.seq > ${after}`], " AND ")}
        ORDER BY a.seq LIMIT ${batchSize}`;
      if (rows.length) {
        controller.enqueue(encoder.encode(rows.map(({ position: _position, ...row }) => line(format, row)).join("")));
        after = BigInt(rows[rows.length - 1].position);
      }
      if (rows.length < batchSize) {
        done = true;
        controller.close();
      }
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return {
    stream,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    filename: `delegate-audit-${day}.${format}`,
  };
}

/** The export as an HTTP answer (a download). */
export function exportResponse(exported: AuditExport): Response {
  return new Response(exported.stream, {
    headers: {
      "Content-Type": exported.contentType,
      "Content-Disposition": `attachment; filename="${exported.filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
