import { UserQueryError } from "./errors";

/**
 * Tokens of Auth0's user-search syntax (v3, Lucene-like). `position` is the 1-based character
 * where the token starts, used in every error message.
 */
export type Token =
  | { kind: "(" | ")" | "[" | "]" | "{" | "}" | ":" | "+" | "-" | "AND" | "OR" | "NOT" | "end"; position: number }
  /** A bare word; `wildcards` are the indexes in `text` of unescaped `*`. */
  | { kind: "term"; text: string; wildcards: number[]; position: number }
  /** A double-quoted phrase, escapes resolved; `*` inside is literal. */
  | { kind: "phrase"; text: string; position: number };

const PUNCTUATION = new Set(["(", ")", "[", "]", "{", "}", ":"]);
const UNSUPPORTED: Record<string, string> = {
  "~": "Fuzzy and proximity searches (~) are not supported",
  "^": "Boosts (^) are not supported",
  "?": "The single-character wildcard ? is not supported (use * at the start or end of a value)",
};
const ENDS_TERM = /[\s()[\]{}":]/;

function scanPhrase(query: string, start: number): { token: Token; next: number } {
  let text = "";
  let i = start + 1;
  while (i < query.length) {
    const char = query[i];
    if (char === "\\") {
      if (i + 1 >= query.length) break;
      text += query[i + 1];
      i += 2;
    } else if (char === '"') {
      return { token: { kind: "phrase", text, position: start + 1 }, next: i + 1 };
    } else {
      text += char;
      i += 1;
    }
  }
  throw new UserQueryError("This quoted value has no closing double quote", start + 1);
}

/** A value after `field:` or in a range may hold colons (times such as 2024-06-15T10:00:00Z). */
function scanTerm(query: string, start: number, isValue: boolean): { token: Token; next: number } {
  let text = "";
  const wildcards: number[] = [];
  let i = start;
  if (query[i] === "/") throw new UserQueryError("Regular expressions (/…/) are not supported", i + 1);
  while (i < query.length && (!ENDS_TERM.test(query[i]) || (isValue && query[i] === ":"))) {
    const char = query[i];
    if (char === "\\") {
      if (i + 1 >= query.length) throw new UserQueryError("A backslash must be followed by the character it escapes", i + 1);
      text += query[i + 1];
      i += 2;
      continue;
    }
    if (UNSUPPORTED[char]) throw new UserQueryError(UNSUPPORTED[char], i + 1);
    if (char === "*") wildcards.push(text.length);
    text += char;
    i += 1;
  }
  return { token: { kind: "term", text, wildcards, position: start + 1 }, next: i };
}

/** After `field:` or in a range, a leading - is a negative number, not a prohibition. */
const startsValue = (previous: Token | undefined) =>
  previous !== undefined &&
  (previous.kind === ":" || previous.kind === "[" || previous.kind === "{" || (previous.kind === "term" && previous.text === "TO"));

/** Splits a query into tokens. Operators are recognised only in capitals, as in Auth0's syntax. */
export function tokenize(query: string): Token[] {
  const nul = query.indexOf("\u0000");
  if (nul !== -1) throw new UserQueryError("The query contains a NUL character", nul + 1);
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i];
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const position = i + 1;
    if (query.startsWith("&&", i) || query.startsWith("||", i)) {
      tokens.push({ kind: char === "&" ? "AND" : "OR", position });
      i += 2;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ kind: char as "(", position });
      i += 1;
    } else if (char === '"') {
      const { token, next } = scanPhrase(query, i);
      tokens.push(token);
      i = next;
    } else if ((char === "+" || char === "-" || char === "!") && i + 1 < query.length && !/\s/.test(query[i + 1]) && !startsValue(tokens.at(-1))) {
      tokens.push({ kind: char === "!" ? "NOT" : char, position });
      i += 1;
    } else {
      const { token, next } = scanTerm(query, i, startsValue(tokens.at(-1)));
      const escaped = query.slice(i, next).includes("\\");
      if (token.kind === "term" && !escaped && (token.text === "AND" || token.text === "OR" || token.text === "NOT")) {
        tokens.push({ kind: token.text, position });
      } else {
        tokens.push(token);
      }
      i = next;
    }
  }
  tokens.push({ kind: "end", position: query.length + 1 });
  return tokens;
}
