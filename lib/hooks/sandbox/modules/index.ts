import { readFileSync } from "node:fs";
import path from "node:path";
import { AXIOS_SOURCE, NODE_FETCH_SOURCE, REQUEST_SOURCE, SLACK_NOTIFY_SOURCE, nodeHttpSource } from "./http-clients";
import { BUFFER_SOURCE, CRYPTO_SOURCE, QUERYSTRING_SOURCE, URL_SOURCE, UUID_SOURCE, UUID_V4_SOURCE } from "./small-modules";

export { SUPPORT_SOURCE } from "./support";

/**
 * The modules `require` resolves in a hook, each a guest CommonJS source evaluated on first require in a
 * run (a hook that requires nothing pays nothing). lodash and moment are the real packages' UMD builds,
 * read once per process from node_modules; the others are in ./http-clients.ts and ./small-modules.ts.
 */
const PACKAGE_FILES: Record<string, string> = {
  lodash: "lodash/lodash.min.js",
  moment: "moment/min/moment.min.js",
};

const SOURCES: Record<string, string> = {
  uuid: UUID_SOURCE,
  "uuid/v4": UUID_V4_SOURCE,
  querystring: QUERYSTRING_SOURCE,
  url: URL_SOURCE,
  buffer: BUFFER_SOURCE,
  crypto: CRYPTO_SOURCE,
  request: REQUEST_SOURCE,
  axios: AXIOS_SOURCE,
  "node-fetch": NODE_FETCH_SOURCE,
  https: nodeHttpSource("https:"),
  http: nodeHttpSource("http:"),
  "slack-notify": SLACK_NOTIFY_SOURCE,
};

/** A built-in module whose package is not installed here (lodash, moment): `npm install` brings it. */
export function isMissingPackage(name: string): boolean {
  return Object.hasOwn(PACKAGE_FILES, name) && moduleSource(name) === undefined;
}

export const BUILTIN_MODULES: readonly string[] = [...Object.keys(PACKAGE_FILES), ...Object.keys(SOURCES).filter((name) => !name.includes("/"))].sort();

const packageSources = new Map<string, string | null>();

/** `axios@0.18.0` → `axios`, `node:crypto` → `crypto`: published hooks pin versions Auth0's sandbox resolved. */
export function resolveModuleName(requested: string): string {
  const name = requested.trim().replace(/^node:/, "");
  const at = name.indexOf("@", name.startsWith("@") ? 1 : 0);
  if (at <= 0) return name;
  const slash = name.indexOf("/", at);
  return name.slice(0, at) + (slash === -1 ? "" : name.slice(slash));
}

/** The guest source of a built-in module, or undefined when there is no such module (or its package is missing). */
export function moduleSource(name: string): string | undefined {
  if (Object.hasOwn(SOURCES, name)) return SOURCES[name];
  const file = PACKAGE_FILES[name];
  if (!file || !Object.hasOwn(PACKAGE_FILES, name)) return undefined;
  if (!packageSources.has(name)) {
    try {
      packageSources.set(name, readFileSync(path.join(process.cwd(), "node_modules", file), "utf8"));
    } catch {
      packageSources.set(name, null);
    }
  }
  return packageSources.get(name) ?? undefined;
}
