/**
 * The Filter Hook sample on Auth0's documentation page "Delegated Administration: Filter Hook",
 * verbatim: Kelly (Finance) sees only Finance users, IT sees everyone. Shared by the vitest and the
 * browser tests that paste it.
 */
export const AUTH0_FILTER_HOOK_SAMPLE = `function(ctx, callback) {
  // Get the department from the current user's metadata.
  var department = ctx.request.user.app_metadata && ctx.request.user.app_metadata.department;
  if (!department || !department.length) {
    return callback(new Error('The current user is not part of any department.'));
  }

  // The IT department can see all users.
  if (department === 'IT') {
    return callback();
  }

  // Return the lucene query.
  return callback(null, 'app_metadata.department:"' + department + '"');
}`;
