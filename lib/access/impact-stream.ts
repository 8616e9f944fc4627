import type { Actor } from "@/lib/auth/actor";
import { errorResponse } from "@/lib/api/handler";
import { DomainError } from "@/lib/errors";
import type { ImpactPreview, ImpactPreviewInput } from "@/lib/schemas/impact";
import { previewImpact, type ImpactProgress } from "./impact-preview";

/** One line of the console's Preview impact stream (NDJSON). */
export type ImpactStreamLine =
  | ({ type: "progress" } & ImpactProgress)
  | { type: "result"; preview: ImpactPreview }
  | { type: "error"; status: number; message: string };

const encoder = new TextEncoder();
const encode = (value: ImpactStreamLine) => encoder.encode(`${JSON.stringify(value)}\n`);

/**
 * The preview as a stream: a progress line per admin done, then the result. Everything that can refuse
 * the request (permission, input, the version, the admins) happens before the first admin is done, so the
 * stream starts only then (or at the end): a refusal is an ordinary JSON error with its status. A failure
 * after that ends the stream with an error line. `signal` (the request's) stops starting admins.
 */
export async function impactPreviewStream(actor: Actor, input: ImpactPreviewInput, signal: AbortSignal): Promise<Response> {
  const pending: ImpactStreamLine[] = [];
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const emit = (value: ImpactStreamLine) => {
    if (!controller) return void pending.push(value);
    try {
      controller.enqueue(encode(value));
    } catch {
      // The console went away: the signal stops the preview.
    }
  };
  let firstProgress!: () => void;
  const progressed = new Promise<void>((resolve) => (firstProgress = resolve));
  const preview = previewImpact(actor, input, {
    signal,
    onProgress: (progress) => {
      emit({ type: "progress", ...progress });
      firstProgress();
    },
  });
  try {
    await Promise.race([preview, progressed]);
  } catch (error) {
    return errorResponse(error);
  }
  const body = new ReadableStream<Uint8Array>({
    async start(stream) {
      controller = stream;
      for (const value of pending.splice(0)) emit(value);
      try {
        emit({ type: "result", preview: await preview });
      } catch (error) {
        const known = error instanceof DomainError;
        if (!known) console.error("Unexpected error in an impact preview:", error);
        emit({ type: "error", status: known ? error.status : 500, message: known ? error.message : "The preview failed on the server. Try again." });
      }
      stream.close();
    },
  });
  return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
}
