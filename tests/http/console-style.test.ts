import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getAuthSecret } from "@/lib/auth/secret";
import { clearAllMemos } from "@/lib/cache/memo";
import { resetConfigForTests } from "@/lib/config";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { proxy } from "@/proxy";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/*
 * The console's Content-Security-Policy allows exactly the stylesheet origins that the signed-in admin's
 * Settings Query Hook result names (css, altcss), nothing wider, and nothing for anyone else.
 */

process.env.NEXTAUTH_SECRET = "console-style-test-secret-0123456789abcdef";
const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;

const SETTINGS_HOOK = `function (ctx, callback) {
  var department = (ctx.request.user.app_metadata || {}).department;
  if (department === 'IT') return callback(null, { css: false });
  callback(null, { css: 'https://cdn.example.com/styles/' + department + '.css?v=1', altcss: 'https://alt.example.org:8443/alt.css' });
}`;

async function install(code: string) {
  await db().prisma.hookVersion.deleteMany({ where: { kind: "settings" } });
  await db().prisma.hook.deleteMany({ where: { kind: "settings" } });
  clearAllMemos();
  await saveHook(admins.ian, { kind: "settings", code, enabled: true, timeoutMs: 10_000 });
}

beforeAll(async () => {
  process.env.DELEGATE_PUBLIC_URL = "http://console.test";
  resetConfigForTests();
  admins = await seedAndLoadAdmins(db(), 0);
});

beforeEach(() => install(SETTINGS_HOOK));

/** A console session cookie as next-auth writes it: the admin's id and the session generation signed in with. */
async function sessionCookie(admin: Actor, generationOffset = 0): Promise<string> {
  const row = await db().prisma.user.findUniqueOrThrow({ where: { id: admin.id }, select: { sessionGeneration: true } });
  const token = await encode({ token: { sub: admin.id, sessionGeneration: row.sessionGeneration + generationOffset }, secret: getAuthSecret() });
  return `next-auth.session-token=${token}`;
}

/** `null` leaves a header out (the request of a client without Fetch Metadata has no Sec-Fetch-Dest). */
async function styleSrc(headers: Record<string, string | null>): Promise<string | undefined> {
  const sent = Object.entries({ host: "console.test", "sec-fetch-dest": "document", ...headers }).filter((entry): entry is [string, string] => entry[1] !== null);
  const response = await proxy(new NextRequest("http://console.test/users", { headers: sent }));
  return response.headers
    .get("content-security-policy")
    ?.split("; ")
    .find((directive) => directive.startsWith("style-src "));
}

describe("the console's style-src", () => {
  it("adds the origins of the admin's css and altcss, and only to that admin's pages", async () => {
    expect(await styleSrc({ cookie: await sessionCookie(admins.kelly) })).toBe(
      "style-src 'self' 'unsafe-inline' https://cdn.example.com https://alt.example.org:8443",
    );
    expect(await styleSrc({ cookie: await sessionCookie(admins.ian) })).toBe("style-src 'self' 'unsafe-inline'");
    expect(await styleSrc({})).toBe("style-src 'self' 'unsafe-inline'");
  });

  it("adds nothing for a session that has ended, a Flight request, or a failing hook", async () => {
    expect(await styleSrc({ cookie: await sessionCookie(admins.kelly, -1) })).toBe("style-src 'self' 'unsafe-inline'");
    expect(await styleSrc({ cookie: await sessionCookie(admins.kelly), rsc: "1" })).toBe("style-src 'self' 'unsafe-inline'");
    // Prefetches and client navigations (the proxy does not see Next.js's Flight headers), and the icon: no document.
    expect(await styleSrc({ cookie: await sessionCookie(admins.kelly), "sec-fetch-dest": "empty" })).toBe("style-src 'self' 'unsafe-inline'");
    expect(await styleSrc({ cookie: await sessionCookie(admins.kelly), "sec-fetch-dest": "image" })).toBe("style-src 'self' 'unsafe-inline'");
    await install("function (ctx, callback) { callback(new Error('styles are down')); }");
    expect(await styleSrc({ cookie: await sessionCookie(admins.kelly) })).toBe("style-src 'self' 'unsafe-inline'");
  });

  it("takes a request without Fetch Metadata for a document when it accepts HTML", async () => {
    const withoutMetadata = { cookie: await sessionCookie(admins.kelly), "sec-fetch-dest": null };
    expect(await styleSrc({ ...withoutMetadata, accept: "text/html,application/xhtml+xml" })).toBe(
      "style-src 'self' 'unsafe-inline' https://cdn.example.com https://alt.example.org:8443",
    );
    expect(await styleSrc({ ...withoutMetadata, accept: "*/*" })).toBe("style-src 'self' 'unsafe-inline'");
  });

  it("adds nothing for a stylesheet given as CSS text or as a plain-http address that is not local", async () => {
    await install("function (ctx, callback) { callback(null, { css: 'body { color: red }', altcss: 'http://cdn.example.com/alt.css' }); }");
    expect(await styleSrc({ cookie: await sessionCookie(admins.kelly) })).toBe("style-src 'self' 'unsafe-inline'");
  });
});
