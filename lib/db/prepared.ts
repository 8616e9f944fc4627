import crypto from "node:crypto";

const statementNames = new Map<string, string>();

/**
 * A stable name for a statement's text, so that a `pg` pool prepares it once per connection: planning
 * the CTEs of the hot paths costs as much as running them.
 */
export function preparedStatementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `delegate_${crypto.createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}
