import { UserQueryError } from "./errors";
import { dateInterval, resolveField, type QueryField } from "./fields";
import { tokenize, type Token } from "./tokenize";

export type MatchPattern = "exact" | "prefix" | "suffix" | "contains";
export interface RangeBound {
  value: string;
  inclusive: boolean;
}

/** A parsed query. `field: null` is a bare word: a substring of the email, name or username. */
export type QueryNode =
  | { type: "and"; children: QueryNode[] }
  | { type: "or"; children: QueryNode[] }
  | { type: "not"; child: QueryNode }
  | { type: "all" }
  | { type: "match"; field: QueryField | null; value: string; pattern: MatchPattern }
  | { type: "exists"; field: QueryField }
  | { type: "range"; field: QueryField; lower: RangeBound | null; upper: RangeBound | null };

export const QUERY_LIMITS = { length: 4000, depth: 10, clauses: 100 } as const;

type Occur = "must" | "not" | "should";
const INTEGER = /^-?\d{1,10}$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const describe = (token: Token) =>
  token.kind === "end" ? "the end of the query" : token.kind === "term" || token.kind === "phrase" ? `"${token.text}"` : `"${token.kind}"`;

class Parser {
  private index = 0;
  private clauses = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== "end") this.index += 1;
    return token;
  }

  private countClause(position: number) {
    this.clauses += 1;
    if (this.clauses > QUERY_LIMITS.clauses) {
      throw new UserQueryError(`The query has more than ${QUERY_LIMITS.clauses} conditions`, position);
    }
  }

  /** Clauses up to `)` or the end. AND binds tighter than OR; side by side means OR, as in Lucene. */
  sequence(field: QueryField | null, depth: number, opening: Token | null): QueryNode | null {
    if (depth > QUERY_LIMITS.depth) {
      throw new UserQueryError(`Parentheses are nested more than ${QUERY_LIMITS.depth} deep`, opening?.position ?? 1);
    }
    const groups: { occur: Occur; node: QueryNode }[][] = [];
    for (let token = this.peek(); token.kind !== ")" && token.kind !== "end"; token = this.peek()) {
      let conjunction: "AND" | "OR" | null = null;
      if (token.kind === "AND" || token.kind === "OR") {
        if (groups.length === 0) throw new UserQueryError(`${token.kind} needs a condition before it`, token.position);
        conjunction = token.kind;
        this.next();
        const after = this.peek();
        if (after.kind === ")" || after.kind === "end" || after.kind === "AND" || after.kind === "OR") {
          throw new UserQueryError(`${token.kind} needs a condition after it`, after.position);
        }
      }
      let occur: Occur = "should";
      const modifier = this.peek();
      if (modifier.kind === "+" || modifier.kind === "-" || modifier.kind === "NOT") {
        occur = modifier.kind === "+" ? "must" : "not";
        this.next();
        const operand = this.peek();
        if (operand.kind === "+" || operand.kind === "-" || operand.kind === "NOT" || operand.kind === "AND" || operand.kind === "OR") {
          throw new UserQueryError(`Two operators in a row (${describe(modifier)} then ${describe(operand)})`, operand.position);
        }
      }
      const item = { occur, node: this.clause(field, depth) };
      if (conjunction === "AND") groups[groups.length - 1].push(item);
      else groups.push([item]);
    }
    if (groups.length === 0) return null;
    return combine(
      groups.map((group) =>
        group.length === 1
          ? group[0]
          : { occur: "should" as const, node: and(group.map((item) => (item.occur === "not" ? not(item.node) : item.node))) },
      ),
    );
  }

  private group(field: QueryField | null, depth: number, opening: Token): QueryNode {
    const node = this.sequence(field, depth + 1, opening);
    const closing = this.next();
    if (closing.kind !== ")") throw new UserQueryError("This parenthesis is never closed", opening.position);
    if (!node) throw new UserQueryError("Empty parentheses", opening.position);
    return node;
  }

  private clause(field: QueryField | null, depth: number): QueryNode {
    const token = this.next();
    if (token.kind === "(") return this.group(field, depth, token);
    if (token.kind === "term" && this.peek().kind === ":") {
      this.next();
      if (token.wildcards.length) throw new UserQueryError(`A field name cannot contain *`, token.position);
      if (token.text === "_exists_" || token.text === "_missing_") {
        const target = this.next();
        if (target.kind !== "term") throw new UserQueryError(`${token.text} needs a field name after the colon`, target.position);
        this.countClause(token.position);
        const exists: QueryNode = { type: "exists", field: resolveField(target.text, target.position) };
        return token.text === "_exists_" ? exists : not(exists);
      }
      return this.fieldValue(resolveField(token.text, token.position), token, depth);
    }
    if (token.kind === "term" || token.kind === "phrase") return this.value(field, token);
    throw new UserQueryError(`Expected a condition, found ${describe(token)}`, token.position);
  }

  private fieldValue(field: QueryField, fieldToken: Token, depth: number): QueryNode {
    const token = this.next();
    if (token.kind === "(") return this.group(field, depth, token);
    if (token.kind === "[" || token.kind === "{") return this.range(field, token);
    if (token.kind === "term" || token.kind === "phrase") return this.value(field, token);
    throw new UserQueryError(`Expected a value after "${field.name}:", found ${describe(token)}`, token.kind === "end" ? fieldToken.position : token.position);
  }

  private value(field: QueryField | null, token: Extract<Token, { kind: "term" | "phrase" }>): QueryNode {
    this.countClause(token.position);
    let text = token.text;
    let pattern: MatchPattern = "exact";
    if (token.kind === "term" && token.wildcards.length) {
      const leading = token.wildcards.includes(0);
      const trailing = token.wildcards.includes(text.length - 1) && text.length > 1;
      const inner = token.wildcards.filter((at) => at !== 0 && at !== text.length - 1);
      if (inner.length) throw new UserQueryError("A * wildcard works only at the start or end of a value", token.position + inner[0]);
      text = text.slice(leading ? 1 : 0, trailing ? -1 : undefined);
      if (text === "") return field ? { type: "exists", field } : { type: "all" };
      pattern = leading && trailing ? "contains" : leading ? "suffix" : "prefix";
      if (field?.kind === "column" && field.type !== "text" && field.type !== "text-ci") {
        throw new UserQueryError(`Wildcards work only on text fields and metadata, not on ${field.name}`, token.position);
      }
    }
    if (field?.kind === "column") checkValue(field, text, token.position);
    return { type: "match", field, value: text, pattern };
  }

  private range(field: QueryField, opening: Token): QueryNode {
    this.countClause(opening.position);
    if (field.kind === "column" && field.type !== "integer" && field.type !== "date") {
      throw new UserQueryError(`Ranges work on numbers and dates (logins_count, created_at, updated_at, last_login, metadata), not on ${field.name}`, opening.position);
    }
    const lower = this.bound(field, opening.kind === "[");
    const to = this.next();
    if (to.kind !== "term" || to.text !== "TO") throw new UserQueryError(`Expected TO in the range, found ${describe(to)}`, to.position);
    const upper = this.bound(field, true);
    const closing = this.next();
    if (closing.kind !== "]" && closing.kind !== "}") {
      throw new UserQueryError(`Expected ] or } to close the range, found ${describe(closing)}`, closing.position);
    }
    if (upper) upper.inclusive = closing.kind === "]";
    if (!lower && !upper) return { type: "exists", field };
    return { type: "range", field, lower, upper };
  }

  private bound(field: QueryField, inclusive: boolean): RangeBound | null {
    const token = this.next();
    if (token.kind !== "term" && token.kind !== "phrase") {
      throw new UserQueryError(`Expected a range bound, found ${describe(token)}`, token.position);
    }
    if (token.kind === "term" && token.text === "*" && token.wildcards.length === 1) return null;
    if (token.kind === "term" && token.wildcards.length) throw new UserQueryError("A range bound cannot contain *, except * alone for no bound", token.position);
    if (field.kind === "column") checkValue(field, token.text, token.position);
    return { value: token.text, inclusive };
  }
}

function checkValue(field: Extract<QueryField, { kind: "column" }>, text: string, position: number) {
  if (field.type === "boolean" && text !== "true" && text !== "false") {
    throw new UserQueryError(`${field.name} is true or false, not "${text}"`, position);
  }
  if (field.type === "integer" && !(INTEGER.test(text) && Math.abs(Number(text)) <= 2_147_483_647)) {
    throw new UserQueryError(`${field.name} is a whole number, not "${text}"`, position);
  }
  if (field.type === "date" && !dateInterval(text)) {
    throw new UserQueryError(`${field.name} is a date such as 2024-03-01 or 2024-03-01T12:00:00Z, not "${text}"`, position);
  }
}

const and = (children: QueryNode[]): QueryNode => (children.length === 1 ? children[0] : { type: "and", children });
const or = (children: QueryNode[]): QueryNode => (children.length === 1 ? children[0] : { type: "or", children });
const not = (child: QueryNode): QueryNode => ({ type: "not", child });

/** Lucene's rule: required (+) clauses must all match, prohibited ones (-, NOT) none, and if nothing is required, one of the others. */
function combine(items: { occur: Occur; node: QueryNode }[]): QueryNode {
  const must = items.filter((item) => item.occur === "must").map((item) => item.node);
  const prohibited = items.filter((item) => item.occur === "not").map((item) => not(item.node));
  const should = items.filter((item) => item.occur === "should").map((item) => item.node);
  const parts = [...must, ...prohibited];
  if (must.length === 0 && should.length > 0) parts.push(or(should));
  return and(parts);
}

export const isNumber = (text: string) => NUMBER.test(text);

/**
 * Parses a query in Auth0's user-search syntax. Returns null for an empty query (no condition).
 * Throws UserQueryError, naming the character, for anything it does not support.
 */
export function parseUserQuery(query: string): QueryNode | null {
  if (query.length > QUERY_LIMITS.length) {
    throw new UserQueryError(`The query is longer than ${QUERY_LIMITS.length} characters`, QUERY_LIMITS.length + 1);
  }
  const parser = new Parser(tokenize(query));
  const node = parser.sequence(null, 0, null);
  const rest = parser.peek();
  if (rest.kind !== "end") throw new UserQueryError(`Unexpected ${describe(rest)}`, rest.position);
  return node;
}

/**
 * Whether a search box entry is a query rather than a plain substring: it names a field
 * (`word:`) or uses _exists_. A plain word keeps the substring search.
 */
export function looksLikeUserQuery(text: string): boolean {
  return /(^|[\s(+\-!])[A-Za-z_][\w.-]*:/.test(text);
}
