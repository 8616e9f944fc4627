export const ROLES = {
  user: "Delegated Admin - User",
  operator: "Delegated Admin - Operator",
  administrator: "Delegated Admin - Administrator",
  auditor: "Delegated Admin - Auditor",
} as const;

export type Role = (typeof ROLES)[keyof typeof ROLES];
export const ALL_ROLES: readonly Role[] = Object.values(ROLES);

export type Permission =
  | "users:read"
  | "users:write"
  /** the logs page: entries about the users the admin may see, and the admin's own actions */
  | "logs:read"
  /** beyond logs:read, every entry the Filter Hook does not hide: configuration changes by others too */
  | "logs:read_all"
  /** verify the audit chain, export its checkpoints */
  | "logs:verify"
  /** hooks, API tokens, webhooks, metadata editing */
  | "config:manage"
  /** ask why an admin may or may not act on a user (lib/access/evaluate-access.ts) */
  | "access:evaluate";

const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  [ROLES.user]: ["users:read", "users:write", "logs:read"],
  [ROLES.operator]: ["users:read", "users:write", "logs:read", "logs:read_all"],
  [ROLES.administrator]: ["users:read", "users:write", "logs:read", "logs:read_all", "logs:verify", "config:manage", "access:evaluate"],
  [ROLES.auditor]: ["users:read", "logs:read", "logs:read_all", "logs:verify", "access:evaluate"],
};

/** The console roles found in `app_metadata.roles`; anything else there is ignored. */
export function adminRolesOf(appMetadata: unknown): Role[] {
  const roles = (appMetadata as { roles?: unknown } | null)?.roles;
  if (!Array.isArray(roles)) return [];
  return ALL_ROLES.filter((role) => roles.includes(role));
}

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]));
}
