/**
 * Server actions are decoded by Next.js, which answers a body it cannot read (or one over its 1 MB
 * limit) with a generic 500. The proxy reads an action's body first and refuses these with a 400 or
 * 413 and a message, so that the framework's decoder only ever sees a body it can parse.
 */

/** Next.js's default `serverActions.bodySizeLimit`, which this console keeps. */
export const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;

export interface ActionBodyProblem {
  status: 400 | 413;
  message: string;
}

const TOO_LARGE: ActionBodyProblem = {
  status: 413,
  message: "The form is larger than 1 MB, the most the console accepts in one request. Shorten what you entered and try again.",
};
const malformed = (what: string): ActionBodyProblem => ({
  status: 400,
  message: `The form could not be read: ${what}. Reload the page and try again.`,
});

/** A POST that Next.js would try to decode as a server action: one sent by the client router (`Next-Action`), or a multipart form POST to a page. */
export function mayBeServerAction(method: string, pathname: string, headers: Headers): boolean {
  if (method !== "POST" || pathname.startsWith("/api/")) return false;
  return headers.has("next-action") || (headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Why this server-action request must be refused, or null when Next.js can decode it. */
export async function serverActionBodyProblem(request: Request): Promise<ActionBodyProblem | null> {
  const declaredLength = request.headers.get("content-length");
  if (declaredLength !== null && !(Number(declaredLength) <= SERVER_ACTION_BODY_LIMIT)) return TOO_LARGE;
  const body = await readLimited(request.body, SERVER_ACTION_BODY_LIMIT);
  if (!body) return TOO_LARGE;
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.toLowerCase().startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await new Request("http://localhost/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body) }).formData();
    } catch {
      return malformed("its multipart body is malformed");
    }
    // Without Next-Action it is a form posted without JavaScript, which Next.js checks itself (400).
    return request.headers.has("next-action") ? multipartReplyProblem(form) : null;
  }
  if (!request.headers.has("next-action")) return null;
  // The client router sends arguments that need no multipart as one JSON text (React's reply format).
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return malformed("its body is not UTF-8 text");
  }
  const parsed = parseArguments(text);
  if ("problem" in parsed) return parsed.problem;
  const reference = firstReference(parsed.value, () => false);
  return reference === null ? null : malformed(`it refers to a part (${JSON.stringify(reference.slice(0, 40))}) that a text body cannot have`);
}

function parseArguments(text: string): { value: unknown[] } | { problem: ActionBodyProblem } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: malformed("its body is not valid JSON") };
  }
  return Array.isArray(parsed) ? { value: parsed } : { problem: malformed("its body is not a list of arguments") };
}

/** A reference to another part: "$" and a hexadecimal part id, or "$" with a one-character kind before it. */
const PART_REFERENCE = /^\$([^0-9a-f])?([0-9a-f]{1,8})$/;

/**
 * The client router sends arguments with files (or FormData) as multipart: part "0" is the JSON list
 * of arguments, and its "$" markers refer to the other parts by id (decimal part names). A part that
 * is missing or is not JSON makes the framework's decoder fail with a 500; this finds that first.
 */
function multipartReplyProblem(form: FormData): ActionBodyProblem | null {
  const root = form.get("0");
  if (typeof root !== "string") return malformed("it has no list of arguments (part 0)");
  const parsed = parseArguments(root);
  if ("problem" in parsed) return parsed.problem;
  const pending: unknown[] = [parsed.value];
  const found = new Set<string>(["0"]);
  let notJson: string | null = null;
  /** Whether the part a reference names is there (and, for a JSON part, queued to be checked in turn). */
  const resolvable = (reference: string): boolean => {
    const match = PART_REFERENCE.exec(reference);
    if (!match) return false;
    const [, kind, hexId] = match;
    // FormData arguments are the parts named "<id>_…", possibly none.
    if (kind === "K") return true;
    const part = String(parseInt(hexId, 16));
    const value = form.get(part);
    if (value === null) return false;
    // A blob is any part; a part already seen is being checked.
    if (kind === "B" || found.has(part)) return true;
    found.add(part);
    if (typeof value !== "string") return false;
    try {
      pending.push(JSON.parse(value));
      return true;
    } catch {
      notJson = part;
      return false;
    }
  };
  while (pending.length > 0) {
    const reference = firstReference(pending.pop(), resolvable);
    if (notJson !== null) return malformed(`its part ${notJson} is not valid JSON`);
    if (reference !== null) return malformed(`it refers to a part (${JSON.stringify(reference.slice(0, 40))}) that it does not have`);
  }
  return null;
}

/**
 * React's reply format marks special values with strings that start with "$". A text body is one
 * chunk: only the markers that stand for a value by themselves can appear in it; every other
 * marker refers to another chunk or form entry, which the decoder cannot find (a 500 in Next.js).
 */
const SELF_CONTAINED_MARKER = /^\$(?:\$|H|T|I|N|u|D|-|n-?\d{1,300}$)/;

/** The first "$" marker in the JSON value that needs another part and is not `resolvable`, or null. */
function firstReference(root: unknown, resolvable: (reference: string) => boolean): string | null {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (value.startsWith("$") && !SELF_CONTAINED_MARKER.test(value) && !resolvable(value)) return value;
    } else if (value !== null && typeof value === "object") {
      for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push(item);
    }
  }
  return null;
}
