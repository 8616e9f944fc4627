import { DomainError, parseInput, validationError } from "@/lib/errors";
import type { z } from "zod";

/**
 * A multipart/form-data body: the file in `fileField` and the other fields as text, validated by the schema.
 * A body announced larger than `maxBytes` (plus room for the other fields) is refused before it is read (413).
 */
export async function readMultipart<S extends z.ZodType>(
  request: Request,
  schema: S,
  { fileField, maxBytes }: { fileField: string; maxBytes: number },
): Promise<{ input: z.output<S>; file: File }> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes + 1024 * 1024) {
    throw new DomainError("too_large", `The request has ${declared.toLocaleString("en")} bytes; the file may have at most ${maxBytes / 1024 / 1024} MB. Split it into several files.`);
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw validationError(`Send the request as multipart/form-data, with the file in the field "${fileField}".`);
  }
  const file = form.get(fileField);
  if (!(file instanceof File)) {
    throw new DomainError("validation", `Attach the file in the field "${fileField}".`, { [fileField]: "Attach a file." });
  }
  const fields = Object.fromEntries([...form.entries()].filter(([key, value]) => key !== fileField && typeof value === "string"));
  return { input: parseInput(schema, fields), file };
}
