import type { UserProfile } from "@/lib/users/profile";
import { auth0User } from "./context";
import type { HookKind } from "./kinds";

/**
 * What the Hooks page knows about each hook's contract: the TypeScript declarations the editor is
 * given for IntelliSense, the code a hook starts from, and the realistic `ctx` the Runner is
 * pre-filled with. The declarations describe what lib/hooks passes to each kind; keep them in step.
 */

/** Shared types, in one namespace so that the editor's global completions stay short. */
const COMMON_DECLARATIONS = `
/**
 * The built-in modules: lodash, moment, uuid, crypto, querystring, url, buffer, request, axios, node-fetch,
 * http, https, slack-notify. HTTP requests reach only the hosts an Administrator allows.
 */
declare function require(name: string): any;

/** Console output is captured (bounded) and kept with the execution. */
declare var console: {
  log(...data: any[]): void;
  info(...data: any[]): void;
  warn(...data: any[]): void;
  error(...data: any[]): void;
  debug(...data: any[]): void;
};

declare namespace Delegate {
  /** Free-form metadata: a JSON object of at most 16 KB. */
  interface Metadata {
    [key: string]: any;
  }

  /** A user as the console, the API and hooks see it (Auth0 Management API field names). */
  interface UserProfile {
    user_id: string;
    email: string;
    email_verified: boolean;
    username: string | null;
    name: string | null;
    given_name: string | null;
    family_name: string | null;
    phone_number: string | null;
    phone_verified: boolean;
    user_metadata: Metadata;
    /** Holds the admin's \`roles\` and \`department\`, and a user's \`memberships\` or \`department\`. */
    app_metadata: Metadata;
    blocked: boolean;
    /** The connection's name, e.g. "Username-Password-Authentication". */
    connection: string;
    connection_id: string;
    /** ISO 8601 timestamps. */
    created_at: string;
    updated_at: string;
    last_login: string | null;
    logins_count: number;
  }

  /** A user as Auth0's Management API returns it. */
  interface Auth0User extends UserProfile {
    /** The same as user_id (the admin's token subject in DAE). */
    sub: string;
    identities: { connection: string; provider: "auth0"; user_id: string; isSocial: false }[];
  }

  interface HookRequest {
    /** The signed-in admin's full profile, with \`app_metadata\` and \`identities\`. */
    user: Auth0User;
  }

  interface HookContext {
    request: HookRequest;
    /** Writes to the execution's logs, like console.log (kept for hooks written for the Auth0 extension). */
    log(...data: any[]): void;
    /** The tenant's custom data: one JSON document shared by the hooks (at most 400 KB). */
    read(): Promise<any>;
    /** Replaces the custom data (audited). After a read() in the same run, it fails if someone wrote in between. */
    write(data: any): Promise<void>;
    /** An empty object for caching within this run. */
    global: Record<string, any>;
  }

  /** An option of a select field: its value, or a value with a label. */
  type FieldOption = string | { value: string; label: string };

  interface UserFieldMode {
    type?: "text" | "select" | "password" | "hidden";
    options?: FieldOption[];
    /** Enforced on the server. */
    required?: boolean;
    disabled?: boolean;
    placeholder?: string;
    /** A function expression \`(value, values, context, createMode) => error message | falsy\`, run in the sandbox. */
    validationFunction?: string;
  }

  /** A column and form field added by the Settings Query Hook. */
  interface UserField {
    /** email, username, password, repeatPassword, connection (rules for the built-in field), name, given_name, family_name, phone_number, or app_metadata.<path> / user_metadata.<path>. */
    property: string;
    label?: string;
    display?: unknown;
    search?: unknown;
    edit?: false | UserFieldMode;
    create?: false | UserFieldMode;
  }

  /**
   * Call once, when the hook is done: \`callback(new Error(message))\` fails with \`message\`, shown verbatim
   * to the admin; \`callback(null, result)\` succeeds. Later calls are ignored. The hook may also return a promise.
   */
  type Callback<Result> = (error?: Error | null, result?: Result) => void;
}
`;

const KIND_DECLARATIONS: Record<HookKind, string> = {
  write: `
declare namespace Delegate {
  /** The submitted fields. On update, only the fields being changed (and always \`memberships\`). */
  interface WritePayload {
    /** The memberships picked in the Memberships field. */
    memberships: string[];
    email?: string;
    /** Only set when a password was submitted. */
    password?: string;
    /** The name of the database connection. */
    connection?: string;
    username?: string;
    name?: string;
    given_name?: string;
    family_name?: string;
    phone_number?: string;
    email_verified?: boolean;
    app_metadata: Metadata;
    user_metadata: Metadata;
  }

  interface WriteRequest extends HookRequest {
    /** The user's current profile. Only on update. */
    originalUser?: Auth0User;
  }

  interface WriteContext extends HookContext {
    /** "create" for a new user, "update" for a change. */
    method: "create" | "update";
    payload: WritePayload;
    /** On create, what is written when the hook returns nothing (DAE's default): email, username, password, connection, app_metadata.memberships. */
    defaultPayload?: { email: string; username?: string; password: string; connection: string; app_metadata: Metadata };
    request: WriteRequest;
    /** The user fields of the Settings Query Hook. */
    userFields: UserField[];
  }

  /**
   * What is written, validated before it is saved (email, password policy, a database connection,
   * metadata objects of at most 16 KB). On update only the keys returned change.
   */
  interface WriteResult {
    email?: string;
    password?: string;
    connection?: string;
    username?: string | null;
    name?: string;
    given_name?: string;
    family_name?: string;
    phone_number?: string;
    email_verified?: boolean;
    user_metadata?: Metadata;
    app_metadata?: Metadata;
  }

  /**
   * The Write Hook: runs on every create, and on every update of the profile or metadata; for email,
   * username and password changes only when the Settings Query Hook returns userFields (DAE's rule).
   */
  type WriteHook = (ctx: WriteContext, callback: Callback<WriteResult>) => void | Promise<unknown>;
}
`,
  filter: `
declare namespace Delegate {
  interface FilterContext extends HookContext {
    payload: {
      /** The text typed in the search box, or "". */
      search: string;
      filterBy: { connection?: string; membership?: string };
    };
  }

  /**
   * Delegate's JSON filter over email, username, name, given_name, family_name, connection, blocked,
   * email_verified, memberships, or app_metadata.<path> / user_metadata.<path>.
   */
  type UserFilter =
    | { field: string; equals: string | number | boolean | null }
    | { field: string; in: (string | number | boolean)[] }
    | { and: UserFilter[] }
    | { or: UserFilter[] };

  /**
   * A query in Auth0's user-search syntax, e.g. 'app_metadata.department:"Finance"' (as DAE's Filter
   * Hooks return), { query } (other keys ignored), Delegate's JSON filter, or nothing / null / "" for
   * every user. The admin's own search is combined with it as (search) AND (filter).
   */
  type FilterResult = string | { query: string; [key: string]: unknown } | UserFilter | null | undefined;

  /** The Filter Hook: restricts which users the admin sees in the list and search. */
  type FilterHook = (ctx: FilterContext, callback: Callback<FilterResult>) => void | Promise<unknown>;
}
`,
  access: `
declare namespace Delegate {
  type UserAction =
    | "read:user"
    | "delete:user"
    | "change:profile"
    | "change:email"
    | "change:username"
    | "change:password"
    | "block:user"
    | "unblock:user"
    | "read:logs"
    | "verify:email"
    | "revoke:sessions";

  interface AccessContext extends HookContext {
    payload: {
      /** The user the admin wants to read or act on. For a listed page, called with "read:user" for each row. */
      user: Auth0User;
      action: UserAction;
    };
  }

  /** The Access Hook: \`callback()\` allows, \`callback(new Error(message))\` denies with \`message\`. */
  type AccessHook = (ctx: AccessContext, callback: Callback<void>) => void | Promise<unknown>;
}
`,
  memberships: `
declare namespace Delegate {
  interface MembershipsContext extends HookContext {
    payload: {
      /** The signed-in admin. */
      user: Auth0User;
    };
  }

  /** The options of the Memberships field; with createMemberships the admin may also type new ones. Nothing: no memberships. */
  type MembershipsResult = (string | null)[] | { memberships?: string[]; createMemberships?: boolean } | null | undefined;

  /** The Memberships Query Hook. */
  type MembershipsHook = (ctx: MembershipsContext, callback: Callback<MembershipsResult>) => void | Promise<unknown>;
}
`,
  settings: `
declare namespace Delegate {
  interface SettingsContext extends HookContext {
    /** The console's language, e.g. "en". */
    locale: string;
  }

  interface SettingsResult {
    dict?: { title?: string | null; memberships?: string | null; menuName?: string | null };
    userFields?: UserField[];
    /** The connections users may be created in (all database connections when absent). */
    connections?: string[];
    /** false: the admin cannot create users (enforced on the server). */
    canCreateUser?: boolean;
    suppressRawData?: boolean;
    /** A stylesheet URL (https), CSS text, or false for none. */
    css?: string | false | null;
    /** Accepted; not applied yet. */
    altcss?: string | false | null;
    errorTranslator?: string;
    languageDictionary?: string | Record<string, unknown>;
  }

  /** The Settings Query Hook. */
  type SettingsHook = (ctx: SettingsContext, callback: Callback<SettingsResult>) => void | Promise<unknown>;
}
`,
  post_registration: `
declare namespace Delegate {
  /** The user being created. */
  interface RegisteredUser {
    /** The user's id (absent from the Runner's sample). */
    id?: string;
    tenant: string;
    username?: string;
    email: string;
    emailVerified: boolean;
    phoneNumber?: string;
    phoneNumberVerified?: boolean;
    user_metadata: Metadata;
    app_metadata: Metadata;
  }

  interface RegistrationContext {
    /** Language of the application agent. */
    requestLanguage: string;
    connection: { id: string; name: string; tenant: string };
    webtask?: Metadata;
  }

  /**
   * The Post-User Registration Hook: runs asynchronously after a database-connection user is created.
   * Call \`cb()\` when done; its response is ignored.
   */
  type PostRegistrationHook = (user: RegisteredUser, context: RegistrationContext, cb: Callback<unknown>) => void | Promise<unknown>;
}
`,
};

/** The type of the hook function, named in the editor's hidden first line. */
export const HOOK_FUNCTION_TYPES: Record<HookKind, string> = {
  write: "Delegate.WriteHook",
  filter: "Delegate.FilterHook",
  access: "Delegate.AccessHook",
  memberships: "Delegate.MembershipsHook",
  settings: "Delegate.SettingsHook",
  post_registration: "Delegate.PostRegistrationHook",
};

/** The declarations the editor is given for one hook kind. */
export function hookDeclarations(kind: HookKind): string {
  return COMMON_DECLARATIONS + KIND_DECLARATIONS[kind];
}

/**
 * A JSDoc type line that, placed right above the hook's code, types its parameters: TypeScript applies
 * it to a nameless `function (ctx, callback)` (parsed as a declaration missing its name), to an arrow
 * function, and to `module.exports = function …`.
 */
export function hookTypeAnnotation(kind: HookKind): string {
  return `/** @type {${HOOK_FUNCTION_TYPES[kind]}} */`;
}

/** The code a hook that was never saved starts from. */
export const HOOK_STARTER_CODE: Record<HookKind, string> = {
  write: `function (ctx, callback) {
  // ctx.method is "create" or "update"; ctx.payload holds the submitted fields.
  var user = {
    email: ctx.payload.email,
    password: ctx.payload.password,
    connection: ctx.payload.connection,
    user_metadata: ctx.payload.user_metadata,
    app_metadata: Object.assign({}, ctx.payload.app_metadata, { memberships: ctx.payload.memberships })
  };
  // What the callback returns is written.
  return callback(null, user);
}
`,
  filter: `function (ctx, callback) {
  // null: the admin sees every user. Or a query in Auth0's user-search syntax, for example
  // 'app_metadata.department:"Finance"', or a JSON filter: { field: 'memberships', equals: 'Finance' }.
  return callback(null, null);
}
`,
  access: `function (ctx, callback) {
  // callback(new Error('…')) denies ctx.payload.action on ctx.payload.user.
  return callback();
}
`,
  memberships: `function (ctx, callback) {
  // The options of the Memberships field.
  return callback(null, { memberships: ['Finance', 'HR', 'IT', 'Marketing', 'Sales'], createMemberships: false });
}
`,
  settings: `function (ctx, callback) {
  return callback(null, {
    dict: { title: 'Delegate', memberships: 'Departments', menuName: 'Users' },
    userFields: [],
    canCreateUser: true,
    suppressRawData: false,
    css: ''
  });
}
`,
  post_registration: `module.exports = function (user, context, cb) {
  // Perform any asynchronous actions, such as send notification to Slack.
  cb();
};
`,
};

export interface SampleContextOptions {
  /** The signed-in admin: `ctx.request.user`. */
  admin: UserProfile;
  /** A database connection to create the sample user in; default Auth0's usual one. */
  connection?: string;
}

const DEFAULT_CONNECTION = "Username-Password-Authentication";

function departmentOf(profile: UserProfile): string | undefined {
  const { department, memberships } = profile.app_metadata;
  if (typeof department === "string" && department) return department;
  if (Array.isArray(memberships) && typeof memberships[0] === "string") return memberships[0];
  return undefined;
}

/** A user of the admin's department, as the Access Hook would be asked about. */
function sampleUser(admin: UserProfile, connection: string): UserProfile {
  const department = departmentOf(admin) ?? "Finance";
  return {
    user_id: "5b0d8c2e-7a44-4f0e-9a53-2f6c1f8e4a10",
    email: "jane.doe@example.com",
    email_verified: true,
    username: null,
    name: "Jane Doe",
    given_name: "Jane",
    family_name: "Doe",
    phone_number: null,
    phone_verified: false,
    user_metadata: { language: "en" },
    app_metadata: { department },
    blocked: false,
    connection,
    connection_id: "7d1c54e0-3b1f-4c55-8f0a-3a9d2a6c9b21",
    created_at: "2026-01-12T09:30:00.000Z",
    updated_at: "2026-01-12T09:30:00.000Z",
    last_login: null,
    logins_count: 0,
  };
}

/** The Runner's default body of the post-user-registration hook (seed 000). */
const POST_REGISTRATION_SAMPLE = {
  user: {
    tenant: "my-tenant",
    username: "user1",
    email: "user1@foo.com",
    emailVerified: true,
    phoneNumber: "1-000-000-0000",
    phoneNumberVerified: true,
    user_metadata: { hobby: "surfing" },
    app_metadata: { plan: "full" },
  },
  context: {
    requestLanguage: "en-us",
    connection: { id: "con_xxxxxxxxxxxxxxxx", name: "Username-Password-Authentication", tenant: "my-tenant" },
  },
};

/**
 * The `ctx` the Runner starts from: what the hook receives when the signed-in admin acts, with a
 * sample payload. For the post-registration hook, `{ user, context }` (its two arguments).
 */
export function sampleHookContext(kind: HookKind, { admin, connection = DEFAULT_CONNECTION }: SampleContextOptions): unknown {
  const request = { user: auth0User(admin) };
  const department = departmentOf(admin) ?? "Finance";
  switch (kind) {
    case "write":
      return {
        method: "create",
        payload: {
          memberships: [department],
          email: "jane.doe@example.com",
          password: "Sample-passw0rd!",
          connection,
          name: "Jane Doe",
          app_metadata: {},
          user_metadata: { language: "en" },
        },
        defaultPayload: {
          email: "jane.doe@example.com",
          password: "Sample-passw0rd!",
          connection,
          app_metadata: { memberships: [department] },
        },
        request,
        userFields: [],
      };
    case "filter":
      return { request, payload: { search: "", filterBy: {} } };
    case "access":
      return { request, payload: { user: auth0User(sampleUser(admin, connection)), action: "read:user" } };
    case "memberships":
      return { request, payload: { user: request.user } };
    case "settings":
      return { request, locale: "en" };
    case "post_registration":
      return POST_REGISTRATION_SAMPLE;
  }
}

/** The sample context as the Runner's editable JSON. */
export function sampleHookContextJson(kind: HookKind, options: SampleContextOptions): string {
  return JSON.stringify(sampleHookContext(kind, options), null, 2);
}
