import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import ConsoleError from "@/app/(console)/error";
import { apiRoute } from "@/lib/api/handler";
import { createApiToken } from "@/lib/tokens/api-tokens";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins } from "../helpers/fixtures";

/*
 * An unexpected error (not a DomainError) never shows its message or stack to the client: the API answers a
 * generic 500 in its JSON error shape, the console's error page a generic text. The details go to the server log.
 */

const db = useTestDatabase();
let token: string;

beforeAll(async () => {
  const admins = await seedAndLoadAdmins(db(), 0);
  token = (await createApiToken(admins.ian, { name: "error answers" })).token;
});

const INTERNAL = 'relation "user_search_text" does not exist (postgres://root:hunter2@db.internal:5432/delegate)';
const LEAKS = ["user_search_text", "hunter2", "db.internal", "list-users.ts"];

function internalError(): Error {
  const error = new Error(INTERNAL);
  error.stack = `Error: ${INTERNAL}\n    at listUsers (/srv/delegate/lib/users/list-users.ts:88:11)`;
  return error;
}

describe("a generic 500", () => {
  it("from the API is the JSON error shape with a generic message: no internal message, no stack; the log has them", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const route = apiRoute(async () => {
        throw internalError();
      });
      const request = new Request("http://console.test/api/v2/users", { headers: { authorization: `Bearer ${token}` } });
      const response = await route(request, { params: Promise.resolve({}) });
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({
        statusCode: 500,
        error: "Internal Server Error",
        message: "Something went wrong on the server. Try again; if it persists, check the server log.",
      });
      for (const leak of LEAKS) expect(text).not.toContain(leak);
      expect(log.mock.calls.some((call) => call.some((part) => part instanceof Error && part.message === INTERNAL))).toBe(true);
    } finally {
      log.mockRestore();
    }
  });

  it("in the console is a generic page: no internal message, digest or stack", () => {
    const error = Object.assign(internalError(), { digest: "2046271537" });
    const html = renderToStaticMarkup(createElement(ConsoleError, { error, reset: () => {} }));
    expect(html).toContain("<h1>Something went wrong</h1>");
    expect(html).toContain("The page could not be loaded because of an error on the server.");
    for (const leak of [...LEAKS, "2046271537"]) expect(html).not.toContain(leak);
  });
});
