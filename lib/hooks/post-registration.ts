import { z } from "zod";
import { postOutbound } from "@/lib/delivery/http";
import { notAttempted } from "@/lib/delivery/outcome";
import type { AttemptOutcome, DestinationJobs, PostRegistrationHandler } from "@/lib/delivery/registry";
import { Allowlist } from "@/lib/delivery/ssrf";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { getTenant } from "@/lib/tenant/tenant";
import { toUserProfile, userSelect, type JsonObject } from "@/lib/users/profile";
import { executeHook, loadActiveHook } from "./execute";
import type { HostFunction } from "./sandbox";
import { isHostAllowed, readPostRegistrationSettings } from "./post-registration-settings";
import { loadHookSecrets } from "./secrets";

/** `user` of seed 000's contract. */
export interface PostRegistrationUser {
  id: string;
  tenant: string;
  username: string | null;
  email: string;
  emailVerified: boolean;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
  user_metadata: JsonObject;
  app_metadata: JsonObject;
}

/** `context` of seed 000's contract. */
export interface PostRegistrationContext {
  requestLanguage: string;
  connection: { id: string; name: string; tenant: string };
  webtask: { secrets: Record<string, string> };
}

const MAX_FETCHES_PER_RUN = 10;
const FETCH_TIMEOUT_MS = 5_000;
const FETCH_BODY_LIMIT = 64 * 1024;
export const POST_REGISTRATION_REQUIRE_HINT =
  "Use fetch(url, { method, headers, body }) for HTTP requests to the hosts an Administrator allows, and context.webtask.secrets for secrets.";

const fetchInitSchema = z
  .object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
    headers: z.record(z.string(), z.string().max(8192)).default({}),
    body: z.string().max(FETCH_BODY_LIMIT).optional(),
  })
  .strict();

/** Makes the guest's `fetch` a thin Response-like wrapper around the host function `__delegateFetch`. */
export const POST_REGISTRATION_FETCH_PRELUDE = `(function () {
  var hostFetch = globalThis.__delegateFetch;
  delete globalThis.__delegateFetch;
  globalThis.fetch = function fetch(url, init) {
    return hostFetch(String(url), init === undefined ? {} : init).then(function (r) {
      return {
        status: r.status, statusText: r.statusText, ok: r.ok, url: r.url,
        headers: { get: function (name) { var v = r.headers[String(name).toLowerCase()]; return v === undefined ? null : v; } },
        text: function () { return Promise.resolve(r.body); },
        json: function () { return new Promise(function (resolve) { resolve(JSON.parse(r.body)); }); }
      };
    });
  };
})();`;

/**
 * The `fetch` of a post-registration hook: only to hosts on the hook's allowlist, and through the
 * same SSRF guard as webhooks (no private addresses unless on the outbound allowlist), with a
 * timeout, no redirects, and a bounded response.
 */
export function restrictedFetch(db: PrismaClient, outboundAllowlist: readonly string[]): HostFunction {
  let calls = 0;
  return async function fetch(this: { signal: AbortSignal }, rawUrl: unknown, rawInit: unknown) {
    if (++calls > MAX_FETCHES_PER_RUN) throw new Error(`A hook run may make at most ${MAX_FETCHES_PER_RUN} requests.`);
    let url: URL;
    try {
      url = new URL(String(rawUrl));
    } catch {
      throw new Error(`fetch: "${String(rawUrl).slice(0, 200)}" is not a valid URL.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("fetch: only http and https URLs are allowed.");
    const settings = await readPostRegistrationSettings(db);
    if (!isHostAllowed(settings, url.hostname)) {
      throw new Error(`fetch: ${url.hostname} is not an allowed host. An Administrator can add it under Hooks → Post-User Registration → Allowed hosts.`);
    }
    const init = fetchInitSchema.safeParse(rawInit ?? {});
    if (!init.success) throw new Error(`fetch: invalid options: ${init.error.issues[0]?.message ?? "unknown problem"}.`);
    const response = await postOutbound({
      url: url.toString(),
      method: init.data.method,
      headers: init.data.headers,
      body: init.data.body ?? "",
      connectTimeoutMs: FETCH_TIMEOUT_MS,
      readTimeoutMs: FETCH_TIMEOUT_MS,
      allowlist: new Allowlist(outboundAllowlist),
      bodyLimit: FETCH_BODY_LIMIT,
    });
    if (response.error || response.statusCode === null) throw new Error(`fetch failed: ${response.error ?? "no response"}`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    return {
      status: response.statusCode,
      statusText: "",
      ok: response.statusCode >= 200 && response.statusCode < 300,
      url: url.toString(),
      headers,
      body: response.body,
    };
  };
}

/** The hook's arguments for a registration: the user as it is now (or as the event saw it, if deleted since). */
async function hookArguments(job: DestinationJobs["post_registration"]): Promise<[PostRegistrationUser, PostRegistrationContext]> {
  const tenant = await getTenant();
  const eventUser = job.event.payload.event.user;
  const row = await job.db.user.findUnique({ where: { id: eventUser.id }, select: userSelect });
  const profile = row ? toUserProfile(row) : null;
  const connection = profile
    ? { id: profile.connection_id, name: profile.connection }
    : ((await job.db.connection.findUnique({ where: { id: eventUser.connectionId }, select: { id: true, name: true } })) ?? {
        id: eventUser.connectionId,
        name: "",
      });
  const user: PostRegistrationUser = {
    id: eventUser.id,
    tenant: tenant.name,
    username: profile?.username ?? eventUser.username ?? null,
    email: profile?.email ?? eventUser.email,
    emailVerified: profile?.email_verified ?? eventUser.verified,
    phoneNumber: profile?.phone_number ?? eventUser.mobilePhone ?? null,
    phoneNumberVerified: profile?.phone_verified ?? false,
    user_metadata: profile?.user_metadata ?? eventUser.data,
    app_metadata: profile?.app_metadata ?? {},
  };
  const context: PostRegistrationContext = {
    requestLanguage: "en-us",
    connection: { ...connection, tenant: tenant.name },
    webtask: { secrets: await loadHookSecrets() },
  };
  return [user, context];
}

/**
 * Runs the post-registration hook once per registration, after the commit, from the delivery
 * worker. Its response is ignored and it never affects the create; a failing run is recorded (and
 * shown as a failed delivery) but not retried, since a hook may have done part of its work.
 */
export const postRegistrationHandler: PostRegistrationHandler = {
  activeWhen: Prisma.sql`EXISTS (SELECT 1 FROM hooks WHERE kind = 'post_registration' AND enabled)`,
  async deliver(job): Promise<AttemptOutcome> {
    const hook = await loadActiveHook("post_registration");
    if (!hook) return notAttempted("The post-registration hook is disabled or was removed.");
    const args = await hookArguments(job);
    const run = await executeHook(hook, args, {
      hostFunctions: { __delegateFetch: restrictedFetch(job.db, job.settings.outboundAllowlist) },
      guestPrelude: POST_REGISTRATION_FETCH_PRELUDE,
      requireHint: POST_REGISTRATION_REQUIRE_HINT,
      links: { userId: args[0].id, eventId: job.event.id },
    });
    return {
      attempted: true,
      succeeded: run.ok,
      retryable: false,
      statusCode: null,
      responseBody: run.logs.length ? run.logs.map((entry) => `[${entry.level}] ${entry.message}`).join("\n").slice(0, 4096) : null,
      error: run.error?.message ?? null,
      durationMs: Math.round(run.durationMs * 100) / 100,
    };
  },
};
