/**
 * The values a hook run must not leave in its logs and errors (lib/hooks/sandbox/secret-mask.ts),
 * read from the arguments the hook is called with: the secrets of a post-registration hook
 * (`context.webtask.secrets`) and the password a Write Hook receives (`ctx.payload.password`,
 * `ctx.defaultPayload.password`). The Runner's arguments are read the same way, so what an
 * Administrator types there as a secret or password is masked as in production.
 */
export function secretValuesIn(args: readonly unknown[]): string[] {
  const values: string[] = [];
  for (const arg of args) {
    if (!isObject(arg)) continue;
    for (const payload of [arg.payload, arg.defaultPayload]) {
      if (isObject(payload) && typeof payload.password === "string") values.push(payload.password);
    }
    const secrets = isObject(arg.webtask) ? arg.webtask.secrets : undefined;
    if (isObject(secrets)) {
      for (const value of Object.values(secrets)) if (typeof value === "string") values.push(value);
    }
  }
  return values;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
