export const HOOK_KINDS = ["write", "filter", "access", "memberships", "settings", "post_registration"] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

export const HOOK_NAMES: Record<HookKind, string> = {
  write: "Write Hook",
  filter: "Filter Hook",
  access: "Access Hook",
  memberships: "Memberships Query Hook",
  settings: "Settings Query Hook",
  post_registration: "Post-User Registration Hook",
};

export const HOOK_DESCRIPTIONS: Record<HookKind, string> = {
  write: "Runs on every create and update, from the console and the API. Returns the user object that is written.",
  filter: "Restricts which users an admin sees in the list and search. Returns a query (Auth0's user-search syntax) or a JSON filter, or nothing for everyone.",
  access: "Decides whether an admin may read or act on one user. Call callback(new Error(msg)) to deny.",
  memberships: "Returns the memberships an admin may pick in the Memberships field.",
  settings: "Returns console settings: title, extra user fields, connections, whether users can be created.",
  post_registration: "Runs asynchronously after a user is registered. Its response is ignored.",
};

export function isHookKind(value: string): value is HookKind {
  return (HOOK_KINDS as readonly string[]).includes(value);
}
