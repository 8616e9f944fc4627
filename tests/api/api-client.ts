import { loadActor, type Actor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import { createApiToken } from "@/lib/tokens/api-tokens";
import { updateUser } from "@/lib/users/update-user";

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined for an empty body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Every body the API returned in this test file, to check what never leaks. */
export const seenBodies: string[] = [];

export interface CallOptions {
  token?: string;
  /** A value is sent as JSON; a string is sent as it is. */
  body?: unknown;
  query?: Record<string, string | number>;
  id?: string;
  /** Extra request headers, e.g. If-Match. */
  headers?: Record<string, string>;
}

/** Calls an exported route handler the way Next does: a real Request and a params promise. */
export async function call<P>(handler: Handler<P>, method: string, options: CallOptions = {}): Promise<ApiResponse> {
  const url = new URL(options.id ? `http://localhost/api/v2/users/${options.id}` : "http://localhost/api/v2/users");
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
  const headers = new Headers({ "user-agent": "vitest-api", "x-forwarded-for": "203.0.113.7" });
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.set("content-type", "application/json");
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  const params = (options.id ? { id: options.id } : {}) as P;
  const response = await handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
  const text = await response.text();
  seenBodies.push(text);
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

/**
 * An API token acting as `admin`. Only Administrators create tokens, so the admin is made an
 * Administrator by `ian` for the moment of creation and given back the original role: the token
 * then acts with that original role, as every request re-reads the admin's roles.
 */
export async function tokenFor(admin: Actor, ian: Actor, name = `${admin.email} automation`): Promise<string> {
  if (admin.permissions.has("config:manage")) return (await createApiToken(admin, { name })).token;
  const original = admin.profile.app_metadata;
  await updateUser(ian, admin.id, { app_metadata: { ...original, roles: [ROLES.administrator] } });
  const promoted = await loadActor(admin.id, "console");
  const { token } = await createApiToken(promoted, { name });
  await updateUser(ian, admin.id, { app_metadata: original });
  return token;
}
