import { can, type Actor } from "@/lib/auth/actor";
import { storedImportedHash } from "@/lib/auth/imported-hash";
import { verifyPassword } from "@/lib/auth/password";
import { jsonChanges, type FieldChange } from "@/lib/audit/changes";
import { getDatabase } from "@/lib/db/client";
import { DomainError, type DomainErrorCode } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { withinEvaluation } from "@/lib/hooks/evaluation-scope";
import type { CustomPasswordHash } from "@/lib/schemas/password-hash";
import type { UpdateUserInput } from "@/lib/schemas/user";
import { importRowSchema, type ImportMapping, type ImportRow } from "@/lib/schemas/user-import";
import { createUser } from "../create-user";
import { getUser } from "../get-user";
import { membershipsOf, type UserProfile } from "../profile";
import { updateVersionedUser } from "../update-user";
import { mappedRecord, type ImportRecord } from "./read-file";

/*
 * One row of an import is one create or one update, exactly as the console makes them (createUser /
 * updateVersionedUser: role, Settings Query Hook, Write Hook, Memberships Query Hook, validation, audit,
 * events), and its record in `job_rows` is written in the same transaction: a resumed job starts after the
 * last recorded row and never writes a row twice. A dry run runs the same code with `dryRun` inside an
 * evaluation scope (hooks' ctx.write does nothing, no hook execution is recorded) and writes only the record.
 */

/** Dry run: create, update, unchanged, refused. Import: created, updated, unchanged, refused. */
export type RowOutcome = "create" | "update" | "unchanged" | "refused" | "created" | "updated";

export interface RowResult {
  outcome: RowOutcome;
  email?: string;
  userId?: string;
  code?: string;
  message?: string;
  field?: string;
  /** An update's changes; a refused row's mapped fields (never a password or a hash). */
  details?: FieldChange[] | Record<string, unknown>;
}

export interface ImportContext {
  actor: Actor;
  jobId: string;
  dryRun: boolean;
  connection: { id: string; name: string };
  /** null: existing users are refused (Auth0's `upsert: false`). */
  upsertBy: "email" | "user_id" | null;
  mapping: ImportMapping;
}

/** Auth0's error codes of a refused row (GET /api/v2/jobs/{id}/errors). */
const CODES: Partial<Record<DomainErrorCode, string>> = {
  validation: "INVALID_FORMAT",
  hook: "HOOK_REFUSED",
  forbidden: "FORBIDDEN",
  conflict: "DUPLICATED_USER",
  not_found: "NOT_FOUND",
  unprocessable: "INVALID_FORMAT",
};

const SECRET_FIELDS = new Set(["password", "password_hash", "custom_password_hash"]);

function refusal(error: DomainError, email: string | undefined, fields: Record<string, unknown>): RowResult {
  const field = Object.keys(error.fieldErrors ?? {})[0];
  const shown = Object.fromEntries(Object.entries(fields).filter(([key]) => !SECRET_FIELDS.has(key)));
  return { outcome: "refused", email, code: CODES[error.code] ?? "INVALID_FORMAT", message: error.message, ...(field && { field }), details: shown };
}

export function rowRecordStatement(jobId: string, index: number, result: RowResult): Prisma.Sql {
  return Prisma.sql`INSERT INTO job_rows (job_id, row_index, outcome, user_id, email, code, message, field, details)
    VALUES (${jobId}, ${index}, ${result.outcome}, ${result.userId ?? null}, ${result.email ?? null}, ${result.code ?? null},
      ${result.message ?? null}, ${result.field ?? null}, ${result.details === undefined ? null : JSON.stringify(result.details)}::jsonb)`;
}

/** Auth0's import prepends the connection's strategy to an id without one. */
const legacyIdOf = (userId: string) => (userId.includes("|") ? userId : `auth0|${userId}`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user a row matches in its connection (one prepared statement, no Prisma engine: it runs for every row). */
async function findExisting(context: ImportContext, row: ImportRow): Promise<{ id: string; passwordHash: string | null } | undefined> {
  const database = await getDatabase();
  const byId = context.upsertBy === "user_id" && row.user_id !== undefined;
  const match = !byId
    ? Prisma.sql`email = ${row.email}`
    : UUID.test(row.user_id!)
      ? Prisma.sql`(id = ${row.user_id}::uuid OR legacy_user_id = ${legacyIdOf(row.user_id!)})`
      : Prisma.sql`legacy_user_id = ${legacyIdOf(row.user_id!)}`;
  const [found] = await database.query<{ id: string; passwordHash: string | null }>(
    Prisma.sql`SELECT id::text AS id, password_hash AS "passwordHash" FROM users WHERE connection_id = ${context.connection.id} AND ${match} LIMIT 1`,
  );
  return found;
}

function importedHashOf(actor: Actor, row: ImportRow): string | undefined {
  const custom: CustomPasswordHash | undefined =
    row.custom_password_hash ?? (row.password_hash ? { algorithm: "bcrypt", hash: { value: row.password_hash, encoding: "utf8" } } : undefined);
  if (!custom) return undefined;
  if (row.password !== undefined) throw new DomainError("validation", "Give a password or a password hash, not both.", { password: "Give a password or a password hash, not both." });
  if (!can(actor, "config:manage")) {
    throw new DomainError("forbidden", "Only an Administrator imports password hashes: they skip the password policy. Import this row with a password, or without one.", {
      custom_password_hash: "Only an Administrator imports password hashes.",
    });
  }
  return storedImportedHash(custom);
}

const sameJson = (a: unknown, b: unknown) => jsonChanges("", a as Prisma.JsonValue, b as Prisma.JsonValue).length === 0;

/** The update a row asks of an existing user: only the fields it carries that differ. */
async function updateOf(row: ImportRow, current: UserProfile, currentHash: string | null, byId: boolean): Promise<UpdateUserInput> {
  const input: UpdateUserInput = {};
  if (byId && row.email !== current.email) input.email = row.email;
  for (const key of ["username", "name", "given_name", "family_name", "phone_number"] as const) {
    if (row[key] !== undefined && row[key] !== current[key]) input[key] = row[key] as string;
  }
  if (row.email_verified !== undefined && row.email_verified !== current.email_verified) input.email_verified = row.email_verified;
  if (row.blocked !== undefined && row.blocked !== current.blocked) input.blocked = row.blocked;
  if (row.memberships !== undefined && !sameJson([...row.memberships].sort(), membershipsOf(current).sort())) input.memberships = row.memberships;
  // Metadata is merged at the top level, as Auth0's upsert does: keys the file leaves out stay.
  for (const root of ["user_metadata", "app_metadata"] as const) {
    const merged = row[root] && { ...current[root], ...row[root] };
    if (merged && !sameJson(merged, current[root])) input[root] = merged;
  }
  if (row.password !== undefined && !(await verifyPassword(currentHash, row.password))) input.password = row.password;
  return input;
}

async function applyRow(context: ImportContext, index: number, row: ImportRow): Promise<RowResult> {
  const { actor, dryRun, jobId } = context;
  const importedHash = importedHashOf(actor, row);
  const existing = await findExisting(context, row);
  const auditDetails = { import_job: jobId, import_row: index + 1 };
  if (existing && !context.upsertBy) {
    throw new DomainError("conflict", `A user with the email ${row.email} already exists in ${context.connection.name}. Import with upsert to update it.`, {
      email: "This user already exists.",
    });
  }
  if (!existing) {
    if (row.password === undefined && importedHash === undefined) {
      throw new DomainError("validation", "Give each new user a password or a password hash (custom_password_hash).", { password: "A new user needs a password." });
    }
    const legacyUserId = row.user_id === undefined ? undefined : legacyIdOf(row.user_id);
    const created = await createUser(
      actor,
      {
        email: row.email,
        password: row.password,
        send_invitation: false,
        password_change_required: false,
        connection: context.connection.name,
        username: row.username ?? undefined,
        // An Auth0 export carries them in app_metadata (where Delegate keeps them) rather than in a column.
        memberships: row.memberships ?? membershipsOf({ app_metadata: row.app_metadata ?? {} }),
        name: row.name,
        given_name: row.given_name,
        family_name: row.family_name,
        phone_number: row.phone_number,
        email_verified: row.email_verified ?? false,
        user_metadata: row.user_metadata ?? {},
        app_metadata: row.app_metadata ?? {},
      },
      {
        dryRun,
        importedHash,
        legacyUserId,
        blocked: row.blocked,
        auditDetails,
        alongside: (user) => rowRecordStatement(jobId, index, { outcome: "created", email: user.email, userId: user.user_id }),
      },
    );
    return { outcome: dryRun ? "create" : "created", email: created.email, userId: dryRun ? undefined : created.user_id };
  }
  const current = await getUser(actor, existing.id);
  const input = await updateOf(row, current, existing.passwordHash, context.upsertBy === "user_id");
  const hashChanges = importedHash !== undefined && importedHash !== existing.passwordHash;
  if (hashChanges) input.password_change_required = false;
  if (Object.keys(input).length === 0) return { outcome: "unchanged", email: current.email, userId: current.user_id };
  const record = (tx: Prisma.TransactionClient, { user, changes }: { user: UserProfile; changes: FieldChange[] }) =>
    tx.$executeRaw(rowRecordStatement(jobId, index, { outcome: "updated", email: user.email, userId: user.user_id, details: changes }));
  const updated = await updateVersionedUser(actor, existing.id, input, undefined, record, {
    dryRun,
    importedHash: hashChanges ? importedHash : undefined,
    auditDetails,
  });
  if (dryRun && updated.changes.length === 0) return { outcome: "unchanged", email: current.email, userId: current.user_id };
  return { outcome: dryRun ? "update" : "updated", email: updated.user.email, userId: current.user_id, details: updated.changes };
}

/**
 * Imports (or, in a dry run, judges) one record. Expected refusals become a `refused` result; anything else
 * (the database gone) throws, and the job stops there to be resumed.
 * `written` is true when the record of the row was committed with the user (created or updated).
 */
export async function importRecord(context: ImportContext, index: number, record: ImportRecord): Promise<RowResult & { written: boolean }> {
  const fields = mappedRecord(record, context.mapping);
  const email = typeof fields.email === "string" ? fields.email.trim().toLowerCase() : undefined;
  const parsed = importRowSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "email");
    return { ...refusal(new DomainError("validation", `${field}: ${issue.message}`, { [field]: issue.message }), email, fields), written: false };
  }
  try {
    const result = context.dryRun ? await withinEvaluation([], () => applyRow(context, index, parsed.data)) : await applyRow(context, index, parsed.data);
    return { ...result, written: !context.dryRun && (result.outcome === "created" || result.outcome === "updated") };
  } catch (error) {
    if (error instanceof DomainError) return { ...refusal(error, email, fields), written: false };
    throw error;
  }
}
