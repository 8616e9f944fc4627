import crypto from "node:crypto";
import { getAuthSecret } from "@/lib/auth/secret";
import { getConfig } from "@/lib/config";
import { DomainError } from "@/lib/errors";

/*
 * A finished job's file is downloaded through a link that is its own credential, as Auth0's `location` (a
 * presigned storage URL): `/api/v2/jobs/<id>/download?expires=<unix seconds>&signature=<HMAC-SHA256>`, the
 * HMAC keyed with the app's auth secret over the job id and the expiry. No token is needed to follow it, so
 * it can be handed to a download tool; it stops working at its expiry.
 */

/** How long a finished export can be downloaded. */
export const DOWNLOAD_LINK_TTL_MS = 60 * 60 * 1000;

function signature(jobId: string, expires: number): string {
  return crypto.createHmac("sha256", getAuthSecret()).update(`job-download:${jobId}:${expires}`).digest("base64url");
}

export function downloadLink(jobId: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const query = new URLSearchParams({ expires: String(expires), signature: signature(jobId, expires) });
  return `${getConfig().publicUrl}/api/v2/jobs/${encodeURIComponent(jobId)}/download?${query}`;
}

/** Throws a 403 naming what is wrong with the link: forged (or altered), or expired (valid up to its expiry, included). */
export function verifyDownloadLink(jobId: string, params: URLSearchParams, now = new Date()): void {
  const expiresText = params.get("expires") ?? "";
  const given = Buffer.from(params.get("signature") ?? "");
  const expires = /^\d{1,12}$/.test(expiresText) ? Number(expiresText) : NaN;
  const expected = Number.isNaN(expires) ? Buffer.alloc(0) : Buffer.from(signature(jobId, expires));
  if (given.length !== expected.length || expected.length === 0 || !crypto.timingSafeEqual(given, expected)) {
    throw new DomainError("forbidden", "This download link is not valid: it was not issued by Delegate or was altered. Read the job again for its location.");
  }
  if (now.getTime() > expires * 1000) {
    throw new DomainError("forbidden", `This download link expired at ${new Date(expires * 1000).toISOString()}. Create a new export job.`);
  }
}
