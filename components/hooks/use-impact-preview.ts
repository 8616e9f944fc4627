"use client";

import { useState } from "react";
import { startProgress } from "@/components/ui/progress";
import type { ImpactProgress } from "@/lib/access/impact-preview";
import type { ImpactStreamLine } from "@/lib/access/impact-stream";
import type { ActionError } from "@/lib/actions/safe-action";
import type { ImpactPreview, ImpactPreviewInput } from "@/lib/schemas/impact";

const UNREACHABLE: ActionError = { code: "internal", status: 0, message: "The server could not be reached. Check your connection and try again." };

/**
 * Runs Preview impact through `POST /access/impact` (app/(console)/access/impact/route.ts), reading its
 * NDJSON stream: the admins done so far while it runs, then the preview or the error.
 */
export function useImpactPreview() {
  const [pending, setPending] = useState(false);
  const [progress, setProgress] = useState<ImpactProgress | null>(null);
  const [error, setError] = useState<ActionError | null>(null);

  async function run(input: ImpactPreviewInput): Promise<ImpactPreview | null> {
    const stop = startProgress();
    setPending(true);
    setProgress(null);
    setError(null);
    try {
      const response = await fetch("/access/impact", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { message?: string; fields?: Record<string, string> } | null;
        setError({ code: "internal", status: response.status, message: body?.message ?? UNREACHABLE.message, fieldErrors: body?.fields });
        return null;
      }
      let result: ImpactPreview | null = null;
      for await (const line of lines(response.body)) {
        if (line.type === "progress") setProgress({ done: line.done, total: line.total });
        else if (line.type === "result") result = line.preview;
        else setError({ code: "internal", status: line.status, message: line.message });
      }
      return result;
    } catch {
      setError(UNREACHABLE);
      return null;
    } finally {
      setPending(false);
      stop();
    }
  }

  return { pending, progress, error, run };
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<ImpactStreamLine> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const text of complete) if (text.trim()) yield JSON.parse(text) as ImpactStreamLine;
  }
  if (buffered.trim()) yield JSON.parse(buffered) as ImpactStreamLine;
}
