import { requirePermission, type Actor } from "@/lib/auth/actor";
import { csvField } from "@/lib/audit/export-audit";
import { recordAudit } from "@/lib/audit/record";
import { getDatabase } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { loadActiveHook } from "@/lib/hooks/execute";
import { DEFAULT_EXPORT_COLUMNS, exportFieldSource, type ExportField, type ExportUsersInput } from "@/lib/schemas/user-export";
import { readableRows } from "./access";
import { userListConditions, userVisibilityCondition } from "./list-users";
import type { UserProfile } from "./profile";
import { keysetCondition, sortColumn, type ListCursor } from "./list-sort";
import { profileColumns } from "./profile-columns";

/*
 * The admin's current users list (search, filters, Filter Hook, Access Hook: the same rows as the list's
 * pages) as CSV or NDJSON, read in keyset batches in the list's order, so an export of any size holds one
 * batch in memory. Only the profile's fields are selected: the password hash is never read.
 */

/** Rows a batch: fewer with an Access Hook, which judges each batch in one sandbox run. */
const BATCH = 2_000;
const HOOK_BATCH = 1_000;

type ExportRow = UserProfile;

interface Column {
  header: string;
  /** Reads user_metadata or app_metadata (otherwise the documents are not selected). */
  metadata: boolean;
  value: (row: ExportRow) => unknown;
}

function columnOf(field: ExportField): Column {
  const source = exportFieldSource(field.name);
  if ("error" in source) throw new DomainError("validation", source.error, { fields: source.error });
  const header = field.export_as ?? field.name;
  if (source.kind === "column") {
    return { header, metadata: source.column === "user_metadata" || source.column === "app_metadata", value: (row) => row[source.column] };
  }
  return {
    header,
    metadata: true,
    value: (row) => source.path.reduce<unknown>((value, key) => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined), row[source.root]),
  };
}

export function exportColumns(fields: ExportField[] | undefined): Column[] {
  return (fields ?? DEFAULT_EXPORT_COLUMNS.map((name) => ({ name }))).map(columnOf);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return csvField(value);
  if (typeof value === "object") return csvField(JSON.stringify(value));
  return String(value);
}

/** Writes one row a line; NDJSON keys are encoded once, not per row. */
export function lineWriter(format: ExportUsersInput["format"], columns: Column[]): (row: ExportRow) => string {
  if (format === "csv") return (row) => `${columns.map((column) => csvCell(column.value(row))).join(",")}\r\n`;
  const keys = columns.map((column) => `${JSON.stringify(column.header)}:`);
  return (row) => `{${columns.map((column, index) => keys[index] + JSON.stringify(column.value(row) ?? null)).join(",")}}\n`;
}

export interface UserExportOptions {
  batchSize?: number;
  /** Called after each batch with the number of rows written so far. */
  onProgress?: (rows: number) => void | Promise<void>;
}

export interface UserExport {
  chunks: AsyncGenerator<string>;
  contentType: string;
  filename: string;
}

/** The list's WHERE for this admin and input: their own conditions and the Filter Hook's restriction. */
async function exportConditions(actor: Actor, input: ExportUsersInput): Promise<Prisma.Sql[]> {
  const conditions = userListConditions(input);
  if (input.connection_id) conditions.push(Prisma.sql`u.connection_id = ${input.connection_id}`);
  const visibility = await userVisibilityCondition(actor, input);
  if (visibility) conditions.push(visibility);
  return conditions;
}

/**
 * Starts an export (audited as `users.export` with its filters and fields). The conditions, the Filter
 * Hook and the fields are checked before anything is returned; the rows are read as the chunks are consumed.
 */
export async function exportUsers(actor: Actor, input: ExportUsersInput, options: UserExportOptions = {}): Promise<UserExport> {
  requirePermission(actor, "users:read");
  const columns = exportColumns(input.fields);
  const conditions = await exportConditions(actor, input);
  const db = await getDatabase();
  const { format, ...filters } = input;
  await recordAudit(db.prisma, actor, {
    action: "users.export",
    details: JSON.parse(JSON.stringify({ format, ...filters })) as Prisma.InputJsonObject,
  });
  const accessHook = Boolean(await loadActiveHook("access"));
  const batchSize = options.batchSize ?? (accessHook ? HOOK_BATCH : BATCH);
  // The Access Hook gets whole profiles; otherwise the metadata documents are read only when a field needs them.
  const selected = profileColumns(accessHook || columns.some((c) => c.metadata) ? "read" : "empty");
  const writeLine = lineWriter(format, columns);
  const { column, nullable } = sortColumn(input.sort);
  // The list's order; NULLS LAST only where there can be nulls, so that `email DESC` scans its index backwards.
  const direction = Prisma.sql`${input.order === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`} ${nullable ? Prisma.sql`NULLS LAST` : Prisma.empty}`;

  async function* chunks(): AsyncGenerator<string> {
    if (format === "csv") yield `${columns.map((c) => csvField(c.header)).join(",")}\r\n`;
    let cursor: ListCursor | null = null;
    let written = 0;
    for (;;) {
      const where = cursor ? [...conditions, keysetCondition(input.sort, input.order, cursor, "after")] : conditions;
      const rows: (ExportRow & { sort_key: string | null })[] = await db.query<ExportRow & { sort_key: string | null }>(Prisma.sql`
        SELECT ${selected}, ${column}::text AS sort_key
        FROM users u JOIN connections c ON c.id = u.connection_id
        ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty}
        ORDER BY ${column} ${direction}, u.id
        LIMIT ${batchSize}`);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1];
      cursor = { key: last.sort_key, id: last.user_id };
      const readable = accessHook ? (await readableRows(actor, rows)).users : rows;
      const room = input.limit === undefined ? readable.length : Math.min(readable.length, input.limit - written);
      if (room > 0) {
        let text = "";
        for (let index = 0; index < room; index += 1) text += writeLine(readable[index]);
        written += room;
        yield text;
      }
      await options.onProgress?.(written);
      if (rows.length < batchSize || (input.limit !== undefined && written >= input.limit)) return;
    }
  }

  const day = new Date().toISOString().slice(0, 10);
  return {
    chunks: chunks(),
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    filename: `delegate-users-${day}.${format === "csv" ? "csv" : "ndjson"}`,
  };
}

/** The chunks as a byte stream that reads the next batch only when the client asks for more. */
export function exportStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
