import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { clearAllMemos } from "@/lib/cache/memo";
import { getMembershipOptions } from "@/lib/departments/memberships";
import type { DomainError } from "@/lib/errors";
import { executeHook } from "@/lib/hooks/execute";
import type { HookKind } from "@/lib/hooks/kinds";
import { saveHook } from "@/lib/hooks/manage/save-hook";
import { updatePostRegistrationSettings } from "@/lib/hooks/post-registration-settings";
import { useTestDatabase } from "../helpers/db";
import { seedAndLoadAdmins, type DemoAdmin } from "../helpers/fixtures";

/** require() of the built-in modules, and their HTTP clients against a real receiver on 127.0.0.1. */

// The receiver is on loopback, which the SSRF guard refuses unless it is on the outbound allowlist.
process.env.DELEGATE_OUTBOUND_ALLOWLIST = "127.0.0.1";

const db = useTestDatabase();
let admins: Record<DemoAdmin, Actor>;
let receiver: http.Server;
let base: string;
let host: string;
interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];

beforeAll(async () => {
  admins = await seedAndLoadAdmins(db(), 2);
  receiver = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      const reply = () => {
        if (request.url?.startsWith("/missing")) return response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, method: request.method }));
      };
      if (request.url?.startsWith("/slow")) setTimeout(reply, 1_500);
      else reply();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  base = `http://${host}`;
  await updatePostRegistrationSettings(admins.ian, { allowedHosts: ["127.0.0.1"] });
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
  received.length = 0;
  await db().prisma.hookExecution.deleteMany({});
});

async function install(kind: HookKind, code: string, timeoutMs = 3_000) {
  await db().prisma.hookVersion.deleteMany({ where: { kind } });
  await db().prisma.hook.deleteMany({ where: { kind } });
  clearAllMemos();
  await saveHook(admins.ian, { kind, code, enabled: true, timeoutMs });
}

/** Runs `body` as the Memberships Query Hook (a console path); its result is the list of strings it calls back with. */
async function memberships(body: string, timeoutMs = 3_000): Promise<string[]> {
  await install("memberships", `function (ctx, callback) {\n${body}\n}`, timeoutMs);
  return (await getMembershipOptions(admins.ian)).memberships;
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as DomainError,
  );

describe("built-in modules", () => {
  it("lodash and moment are the real packages", async () => {
    expect(
      await memberships(`var _ = require('lodash'); var moment = require('moment');
        callback(null, [_.uniq(['b', 'a', 'b']).join(), _.get({ a: { b: 'deep' } }, 'a.b'), _.VERSION.split('.')[0],
          moment.utc('2020-02-29T10:00:00Z').add(1, 'year').format('YYYY-MM-DD')]);`),
    ).toEqual(["b,a", "deep", "4", "2021-02-28"]);
  });

  it("uuid, also by a versioned name and as uuid/v4", async () => {
    const [id, valid, short] = await memberships(`var uuid = require('uuid@3.3.2'); var v4 = require('uuid/v4');
      var id = v4(); callback(null, [id, String(uuid.validate(uuid.v4())), String(uuid.validate('not-a-uuid'))]);`);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([valid, short]).toEqual(["true", "false"]);
  });

  it("crypto: hashes, HMAC and random bytes", async () => {
    expect(
      await memberships(`var crypto = require('crypto');
        callback(null, [crypto.createHash('sha256').update('abc').digest('hex'),
          crypto.createHash('md5').update('a').update('bc').digest('base64'),
          crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex'),
          String(crypto.randomBytes(16).toString('hex').length)]);`),
    ).toEqual([
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "kAFQmDzST7DWlj99KOF/cg==",
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
      "32",
    ]);
  });

  it("querystring, url and buffer", async () => {
    expect(
      await memberships(`var qs = require('querystring'); var url = require('url'); var Buffer = require('buffer').Buffer;
        var parsed = url.parse('https://Example.com:8443/a/b?x=1&y=two#top', true);
        callback(null, [qs.stringify({ q: 'a b', n: [1, 2] }), JSON.stringify(qs.parse('q=a+b&n=1&n=2')),
          parsed.hostname + ' ' + parsed.port + ' ' + parsed.pathname + ' ' + parsed.query.y + ' ' + parsed.hash,
          Buffer.from('héllo:wörld').toString('base64'), Buffer.from('aMOpbGxv', 'base64').toString()]);`),
    ).toEqual(["q=a%20b&n=1&n=2", '{"q":"a b","n":["1","2"]}', "example.com 8443 /a/b two #top", "aMOpbGxvOnfDtnJsZA==", "héllo"]);
  });

  it("any other module fails with the list of what is available", async () => {
    const error = await errorOf(memberships("require('left-pad'); callback(null, []);"));
    expect(error.message).toBe(
      "Memberships Query Hook cannot require('left-pad'): it is not a built-in module. Available: axios, buffer, crypto, http, https, lodash, moment, node-fetch, querystring, request, slack-notify, url, uuid.",
    );
  });
});

describe("HTTP clients over the allowlisted fetch", () => {
  it("request: callback API with json, qs, auth and headers; .post with a form", async () => {
    const result = await memberships(`var request = require('request');
      request({ uri: '${base}/json', method: 'PUT', qs: { a: 1 }, json: { hello: 'world' }, auth: { user: 'u', pass: 'p' }, headers: { 'X-Trace': 't1' } },
        function (error, response, body) {
          if (error) return callback(error);
          request.post('${base}/form', { form: { a: 'b c' } }, function (error2, response2, body2) {
            if (error2) return callback(error2);
            callback(null, [String(response.statusCode), String(body.ok), body.method, typeof body2]);
          });
        });`);
    expect(result).toEqual(["200", "true", "PUT", "string"]);
    expect(received.map(({ method, url, body }) => [method, url, body])).toEqual([
      ["PUT", "/json?a=1", '{"hello":"world"}'],
      ["POST", "/form", "a=b%20c"],
    ]);
    expect(received[0].headers).toMatchObject({ authorization: "Basic dTpw", "x-trace": "t1", "content-type": "application/json" });
    expect(received[1].headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("axios: promise API, JSON data, rejects a 404 with the response", async () => {
    const result = await memberships(`var axios = require('axios@0.18.0');
      axios.post('${base}/axios', { n: 1 }, { auth: { username: 'a', password: 'b' } }).then(function (response) {
        return axios.get('${base}/missing').then(function () { callback(null, ['no rejection']); }, function (error) {
          callback(null, [String(response.status), response.data.method, error.message, String(error.response.status), error.response.data.error]);
        });
      }).catch(callback);`);
    expect(result).toEqual(["200", "POST", "Request failed with status code 404", "404", "not found"]);
    expect(received[0]).toMatchObject({ method: "POST", url: "/axios", body: '{"n":1}', headers: { authorization: "Basic YTpi" } });
  });

  it("node-fetch and http.request with response events", async () => {
    const result = await memberships(`var fetch = require('node-fetch'); var http = require('http');
      fetch('${base}/fetch', { method: 'POST', body: 'x' }).then(function (r) { return r.json(); }).then(function (data) {
        var req = http.request({ hostname: '127.0.0.1', port: ${JSON.stringify(0)} || '${host.split(":")[1]}', path: '/events', method: 'DELETE' }, function (res) {
          var text = '';
          res.setEncoding('utf8');
          res.on('data', function (chunk) { text += chunk; });
          res.on('end', function () { callback(null, [data.method, String(res.statusCode), JSON.parse(text).method]); });
        });
        req.on('error', callback);
        req.end();
      }).catch(callback);`);
    expect(result).toEqual(["POST", "200", "DELETE"]);
  });

  it("refuses a host an Administrator has not allowed, and records the attempt with the run", async () => {
    await updatePostRegistrationSettings(admins.ian, { allowedHosts: [] });
    try {
      const error = await errorOf(memberships(`require('request').get('${base}/x', function (error) { callback(error); });`));
      expect(error.message).toBe("fetch: 127.0.0.1 is not an allowed host. An Administrator can add it under Hooks → Post-User Registration → Allowed hosts.");
      expect(received).toEqual([]);
      const execution = await db().prisma.hookExecution.findFirstOrThrow({ where: { kind: "memberships" } });
      expect(execution.logs).toEqual([
        { level: "warn", message: expect.stringMatching(new RegExp(`^\\[http\\] GET ${host} failed: fetch: 127\\.0\\.0\\.1 is not an allowed host`)) },
      ]);
    } finally {
      await updatePostRegistrationSettings(admins.ian, { allowedHosts: ["127.0.0.1"] });
    }
  });

  it("a request counts against the hook's deadline", async () => {
    const error = await errorOf(memberships(`require('axios').get('${base}/slow').then(function () { callback(null, []); }, callback);`, 400));
    expect(error.message).toBe("Memberships Query Hook did not finish within 400 ms.");
  });
});

describe("work after the callback (seed 000's Slack example)", () => {
  const SLACK_HOOK = (url: string) => `module.exports = function (user, context, cb) {
  var SLACK_HOOK = '${url}';
  var slack = require('slack-notify')(SLACK_HOOK);
  var message = 'New User: ' + (user.name || user.email) + ' (' + user.email + ')';
  var channel = '#some_channel';
  slack.success({
   text: message,
   channel: channel
  });
  // Return immediately; the request to the Slack API will continue on the sandbox
  cb();
};`;

  it("the request started before cb() is still sent, and the run records it", async () => {
    const hook = { kind: "post_registration" as const, code: SLACK_HOOK(`${base}/services/T000/B000/XXXX`), timeoutMs: 3_000 };
    const run = await executeHook(hook, [{ email: "new@example.com" }, { requestLanguage: "en-us" }]);
    expect(run.outcome).toBe("success");
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", url: "/services/T000/B000/XXXX" });
    expect(JSON.parse(received[0].body)).toEqual({
      channel: "#some_channel",
      text: "New User: new@example.com (new@example.com)",
      username: "Hoorah",
      icon_emoji: ":trophy:",
    });
    const execution = await db().prisma.hookExecution.findFirstOrThrow({ where: { kind: "post_registration" } });
    expect(execution.logs).toEqual([{ level: "info", message: expect.stringMatching(new RegExp(`^\\[http\\] POST ${host} → 200 \\(\\d+ ms\\)$`)) }]);
  });

  it("a throw inside an asynchronous callback ends the run with that error, not a timeout", async () => {
    const code = `function (user, context, cb) {
      require('request').get('${base}/x', function () { throw new Error('Boom in the response callback'); });
    }`;
    const run = await executeHook({ kind: "post_registration", code, timeoutMs: 3_000 }, [{}, {}]);
    expect(run).toMatchObject({ ok: false, outcome: "error" });
    expect(run.error?.message).toBe("Boom in the response callback");
  });

  it("a throw after cb() also ends the run with that error", async () => {
    const code = `function (user, context, cb) {
      require('request').get('${base}/x', function () { throw new Error('Late boom'); });
      cb();
    }`;
    const run = await executeHook({ kind: "post_registration", code, timeoutMs: 3_000 }, [{}, {}]);
    expect(run.error?.message).toBe("Late boom");
  });
});
