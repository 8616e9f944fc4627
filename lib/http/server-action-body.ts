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
    try {
      await new Request("http://localhost/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body) }).formData();
    } catch {
      return malformed("its multipart body is malformed");
    }
    return null;
  }
  if (!request.headers.has("next-action")) return null;
  // The client router sends arguments that need no multipart as one JSON text (React's reply format).
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return malformed("its body is not UTF-8 text");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return malformed("its body is not valid JSON");
  }
  if (!Array.isArray(parsed)) return malformed("its body is not a list of arguments");
  const reference = unresolvableReference(parsed);
  return reference === null ? null : malformed(`it refers to a part (${JSON.stringify(reference.slice(0, 40))}) that a text body cannot have`);
}

/**
 * React's reply format marks special values with strings that start with "$". A text body is one
 * chunk: only the markers that stand for a value by themselves can appear in it; every other
 * marker refers to another chunk or form entry, which the decoder cannot find (a 500 in Next.js).
 */
const SELF_CONTAINED_MARKER = /^\$(?:\$|H|T|I|N|u|D|-|n-?\d{1,300}$)/;

/** The first "$" marker in the JSON value that needs a part a text body does not have, or null. */
function unresolvableReference(root: unknown): string | null {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (value.startsWith("$") && !SELF_CONTAINED_MARKER.test(value)) return value;
    } else if (value !== null && typeof value === "object") {
      for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push(item);
    }
  }
  return null;
}
