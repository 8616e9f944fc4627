import fs from "node:fs";
import readline from "node:readline";
import { parse } from "csv-parse";
import { DomainError } from "@/lib/errors";
import { IMPORT_FIELDS, IMPORT_MAX_ROWS, type ImportField, type ImportMapping } from "@/lib/schemas/user-import";

/*
 * The file of an import, read again from the start by every run (a resumed job skips the rows it recorded):
 * CSV with a header row, UTF-8 with or without BOM, `,` or `;` (whichever the header line has more of), read by
 * csv-parse; JSON, either Auth0's bulk-import array or Auth0's export (one object a line, NDJSON).
 */

export type ImportFormat = "csv" | "json";
export type ImportRecord = Record<string, unknown>;

const BOM = "\uFEFF";

/** CSV unless the file's first character (after a BOM and blanks) opens a JSON array or object. */
export function detectFormat(head: string): ImportFormat {
  const start = head.replace(BOM, "").trimStart()[0];
  return start === "[" || start === "{" ? "json" : "csv";
}

function csvDelimiter(head: string): "," | ";" {
  const line = head.replace(BOM, "").split(/\r?\n/, 1)[0];
  const count = (char: string) => line.split(char).length - 1;
  return count(";") > count(",") ? ";" : ",";
}

const badFile = (message: string) => new DomainError("validation", message, { users: message });

async function* csvRecords(file: string): AsyncGenerator<ImportRecord> {
  const head = await readHead(file);
  const parser = fs.createReadStream(file).pipe(
    parse({ bom: true, columns: (header: string[]) => checkedHeader(header), delimiter: csvDelimiter(head), skip_empty_lines: true }),
  );
  try {
    for await (const record of parser) yield record as ImportRecord;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw badFile(`The CSV file cannot be read: ${(error as Error).message}. Check the quotes and the number of columns on that line.`);
  }
}

function checkedHeader(header: string[]): string[] {
  const names = header.map((name) => name.trim());
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw badFile(`The column "${repeated}" appears twice in the header row: give each column its own name.`);
  if (names.some((name) => name === "")) throw badFile("A column of the header row has no name: name every column.");
  return names;
}

const asRecord = (value: unknown, where: string): ImportRecord => {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw badFile(`${where} is not a JSON object: each user is one object.`);
  return value as ImportRecord;
};

async function* jsonRecords(file: string): AsyncGenerator<ImportRecord> {
  const head = (await readHead(file)).replace(BOM, "").trimStart();
  if (head.startsWith("[")) {
    let list: unknown;
    try {
      list = JSON.parse((await fs.promises.readFile(file, "utf8")).replace(BOM, ""));
    } catch (error) {
      throw badFile(`The JSON file cannot be read: ${(error as Error).message}.`);
    }
    if (!Array.isArray(list)) throw badFile("The JSON file must be an array of users, or one user object a line.");
    for (const [index, item] of list.entries()) yield asRecord(item, `Item ${index + 1} of the array`);
    return;
  }
  const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    const text = number === 1 ? line.replace(BOM, "") : line;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw badFile(`Line ${number} of the file is not valid JSON: ${(error as Error).message}.`);
    }
    yield asRecord(value, `Line ${number}`);
  }
}

async function readHead(file: string): Promise<string> {
  const handle = await fs.promises.open(file, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

/** The file's records in order; a file that cannot be read throws a validation error saying where and why. */
export function readImportRecords(file: string, format: ImportFormat): AsyncGenerator<ImportRecord> {
  return format === "csv" ? csvRecords(file) : jsonRecords(file);
}

export async function formatOfFile(file: string): Promise<ImportFormat> {
  return detectFormat(await readHead(file));
}

export interface ImportFileSummary {
  format: ImportFormat;
  /** CSV: the header row; JSON: the keys of the first 100 users. */
  columns: string[];
  /** The first 5 records, for the mapping screen. */
  sample: ImportRecord[];
  total: number;
}

/** Reads the whole file once when it is uploaded: a file that cannot be read is refused before any job exists. */
export async function inspectImportFile(file: string): Promise<ImportFileSummary> {
  const format = await formatOfFile(file);
  const columns = new Set<string>();
  const sample: ImportRecord[] = [];
  let total = 0;
  for await (const record of readImportRecords(file, format)) {
    if (total < 100) for (const key of Object.keys(record)) columns.add(key);
    if (total < 5) sample.push(record);
    total++;
    if (total > IMPORT_MAX_ROWS) throw badFile(`An import takes at most ${IMPORT_MAX_ROWS.toLocaleString("en")} users: split the file.`);
  }
  if (total === 0) throw badFile("The file holds no users: a CSV file needs a header row and one row per user.");
  return { format, columns: [...columns], sample, total };
}

const ALIASES: Record<string, ImportField> = {
  mail: "email",
  e_mail: "email",
  email_address: "email",
  first_name: "given_name",
  firstname: "given_name",
  last_name: "family_name",
  lastname: "family_name",
  surname: "family_name",
  full_name: "name",
  phone: "phone_number",
  groups: "memberships",
  departments: "memberships",
  department: "memberships",
  id: "user_id",
};

/** The mapping the console proposes: a column named like a field (or a common alias of one) maps to it. */
export function proposedMapping(columns: readonly string[]): ImportMapping {
  const mapping: ImportMapping = {};
  const taken = new Set<string>();
  for (const column of columns) {
    const key = column.trim().toLowerCase().replace(/[\s-]+/g, "_");
    const field = (IMPORT_FIELDS as readonly string[]).includes(key) ? (key as ImportField) : ALIASES[key];
    mapping[column] = field && !taken.has(field) ? field : "";
    if (field) taken.add(field);
  }
  return mapping;
}

/** Refuses a mapping that names a column the file does not have or maps two columns to one field. */
export function checkMapping(mapping: ImportMapping, columns: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const [column, field] of Object.entries(mapping)) {
    if (!columns.includes(column)) throw new DomainError("validation", `The mapping names the column "${column}", which the file does not have.`, { mapping: `No column "${column}".` });
    if (!field) continue;
    const other = seen.get(field);
    if (other !== undefined) throw new DomainError("validation", `The columns "${other}" and "${column}" are both mapped to ${field}: map one of them.`, { mapping: `${field} is mapped twice.` });
    seen.set(field, column);
  }
  if (!seen.has("email")) throw new DomainError("validation", "Map a column to email: every user needs one.", { mapping: "Map a column to email." });
}

/** A record as the fields it maps to. */
export function mappedRecord(record: ImportRecord, mapping: ImportMapping): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, field] of Object.entries(mapping)) {
    if (field && record[column] !== undefined) out[field] = record[column];
  }
  return out;
}
