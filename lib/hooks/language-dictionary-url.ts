import { getPrisma } from "@/lib/db/client";
import { postOutbound } from "@/lib/delivery/http";
import { Allowlist } from "@/lib/delivery/ssrf";
import { loadDeliverySettings } from "@/lib/delivery/settings";
import { languageDictionarySchema, type LanguageDictionary } from "./console-texts";

/*
 * A Settings Query Hook's `languageDictionary` may be an http(s) URL, which DAE's console fetches in the
 * browser without credentials. Delegate renders on the server, so the server fetches it: through the
 * outbound guard of webhooks (no private address unless on the outbound allowlist), without cookies or
 * tokens, with a short timeout and a size cap, and remembers the answer for a minute per URL (a failure
 * for ten seconds) so that pages do not wait on the dictionary's host.
 */

export const DICTIONARY_MAX_BYTES = 256 * 1024;
const TIMEOUT_MS = 3_000;
const KEEP_MS = 60_000;
const KEEP_FAILURE_MS = 10_000;
const REMEMBERED_URLS = 100;

export type DictionaryAnswer = { ok: true; dictionary: LanguageDictionary } | { ok: false; problem: string };

const store = globalThis as unknown as { delegateDictionaries?: Map<string, { answer: Promise<DictionaryAnswer>; expires: number }> };
const remembered = () => (store.delegateDictionaries ??= new Map());

async function download(url: string): Promise<DictionaryAnswer> {
  const prisma = await getPrisma();
  const response = await postOutbound({
    url,
    method: "GET",
    headers: { accept: "application/json" },
    body: "",
    bodyLimit: DICTIONARY_MAX_BYTES + 1,
    connectTimeoutMs: TIMEOUT_MS,
    readTimeoutMs: TIMEOUT_MS,
    allowlist: new Allowlist((await loadDeliverySettings(prisma)).outboundAllowlist),
  });
  if (response.error || response.statusCode === null) return { ok: false, problem: response.error ?? "no response" };
  if (response.statusCode !== 200) return { ok: false, problem: `it answered HTTP ${response.statusCode}` };
  if (Buffer.byteLength(response.body) > DICTIONARY_MAX_BYTES) return { ok: false, problem: `it is larger than ${DICTIONARY_MAX_BYTES / 1024} KB` };
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    return { ok: false, problem: "it is not JSON" };
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return { ok: false, problem: "it is not a JSON object" };
  const parsed = languageDictionarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `its ${issue?.path.join(".") || "content"} is invalid: ${(issue?.message ?? "unknown problem").replace(/\.$/, "")}` };
  }
  return { ok: true, dictionary: parsed.data };
}

/** The dictionary at `url`, or why it cannot be used (the console then keeps its default texts). */
export function fetchLanguageDictionary(url: string, now = Date.now()): Promise<DictionaryAnswer> {
  const cache = remembered();
  const kept = cache.get(url);
  if (kept && kept.expires > now) return kept.answer;
  const answer = download(url).catch((error: unknown): DictionaryAnswer => ({ ok: false, problem: (error as Error).message }));
  const entry = { answer, expires: now + KEEP_FAILURE_MS };
  cache.delete(url);
  cache.set(url, entry);
  if (cache.size > REMEMBERED_URLS) cache.delete(cache.keys().next().value!);
  void answer.then((result) => {
    if (result.ok) entry.expires = now + KEEP_MS;
  });
  return answer;
}

/** Forgets every fetched dictionary (tests). */
export function forgetLanguageDictionaries(): void {
  remembered().clear();
}
