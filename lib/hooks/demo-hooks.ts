import type { HookKind } from "./kinds";
import { SEED_WRITE_HOOK } from "./seed-write-hook";

/*
 * The demo tenant's rule, in every hook kind: an IT admin sees and manages everyone, an Auditor
 * (read-only by role) sees everyone, any other admin sees and manages only users of their own
 * department and may only pick that department. The Write Hook is the seed's sample, verbatim.
 */

const DEPARTMENT_OF_ADMIN = `
  var meta = ctx.request.user.app_metadata || {};
  var department = meta.department;
  var seesEveryone = department === 'IT' || (meta.roles || []).indexOf('Delegated Admin - Auditor') !== -1;`;

export const DEMO_FILTER_HOOK = `function (ctx, callback) {${DEPARTMENT_OF_ADMIN}
  if (seesEveryone) return callback(null, null);
  if (!department) return callback(new Error('The current user is not part of any department.'));
  // Only users whose memberships include the admin's department.
  return callback(null, { field: 'memberships', equals: department });
}
`;

export const DEMO_ACCESS_HOOK = `function (ctx, callback) {${DEPARTMENT_OF_ADMIN}
  if (seesEveryone) return callback();
  if (ctx.payload.action === 'read:logs') return callback();
  var userMeta = (ctx.payload.user && ctx.payload.user.app_metadata) || {};
  var memberships = userMeta.memberships || (userMeta.department ? [userMeta.department] : []);
  if (!department || memberships.indexOf(department) === -1) {
    return callback(new Error('You can only manage users within your own department.'));
  }
  return callback();
}
`;

export const DEMO_MEMBERSHIPS_HOOK = `function (ctx, callback) {${DEPARTMENT_OF_ADMIN}
  if (department === 'IT') {
    return callback(null, ['Finance', 'HR', 'IT', 'Marketing', 'Sales']);
  }
  return callback(null, department ? [department] : []);
}
`;

export const DEMO_HOOKS: Partial<Record<HookKind, string>> = {
  write: SEED_WRITE_HOOK,
  filter: DEMO_FILTER_HOOK,
  access: DEMO_ACCESS_HOOK,
  memberships: DEMO_MEMBERSHIPS_HOOK,
};
