/**
 * Small functions evaluated inside the guest, each compiled only when a run first needs it: QuickJS parses
 * at roughly 70-100 ns per character, so a general-purpose prelude would cost more than the hook itself.
 * They read guest values the host must not touch directly (getters, proxies and toString() run guest
 * code that may throw). They use the guest's globals as the hook left them: a hook that replaces
 * `JSON.stringify` or `Array.isArray` only confuses its own run, because the host re-validates every
 * string it receives.
 */

/** Prefix of the string the result replacer throws, followed by `<typeof value> <key>`. */
export const RESULT_PROBLEM_PREFIX = "hook-sandbox/result-problem:";

/**
 * A `JSON.stringify` replacer that accepts only plain data: objects with Object.prototype or null as
 * prototype, arrays, strings, finite numbers, booleans and null (undefined only as an object property,
 * which JSON omits). `original` is the value before toJSON(), which tells a Date from a string. Reserved
 * keys are refused by the host, which turns the thrown type and key into the message.
 */
export const RESULT_REPLACER = String.raw`(function (key, value) {
  var type = typeof value, original = this[key], proto;
  if (type === "function" || type === "symbol" || type === "bigint" || (type === "number" && !isFinite(value)) ||
    (type === "undefined" && Array.isArray(this)) ||
    (typeof original === "object" && original !== null && !Array.isArray(original) &&
      (proto = Object.getPrototypeOf(original)) !== Object.prototype && proto !== null)) {
    throw "${RESULT_PROBLEM_PREFIX}" + type + " " + key;
  }
  return value;
})`;

/**
 * A stricter, shorter replacer tried first: compiling guest code costs ~0.3 µs per token, and this one
 * compiles in about two thirds of the time of RESULT_REPLACER and runs faster. It accepts only what
 * RESULT_REPLACER accepts, unchanged (the value as read from its holder, so nothing a toJSON()
 * produced), and throws on anything else; the host then serialises again with RESULT_REPLACER to get
 * the exact problem.
 */
export const RESULT_QUICK_CHECK = String.raw`(function (k, v) {
  var t = typeof v;
  if (v === this[k] && (t === "string" || t === "boolean" || (t === "number" && isFinite(v)) ||
    (t === "undefined" && !Array.isArray(this)) ||
    (t === "object" && (v === null || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype)))) return v;
  throw 0;
})`;

/** `(error, maxChars) => [message, name, stack]`, all strings, never throwing. */
export const DESCRIBE_ERROR = String.raw`(function (error, maxChars) {
  function text(read) {
    try {
      var value = read();
      return typeof value === "string" ? value.slice(0, maxChars) : "";
    } catch (e) {
      return "";
    }
  }
  var isObject = error !== null && typeof error === "object";
  var message = isObject ? text(function () { return error.message; }) : "";
  if (message === "") message = text(function () { return String(error); }) || "(unprintable error value)";
  return [
    message,
    isObject ? text(function () { return error.name; }) : "",
    isObject ? text(function () { return error.stack; }) : "",
    isObject ? text(function () { return error.field; }) : "",
  ];
})`;

/** `(maxChars, ...values) => string`: console arguments joined like Node does, roughly. */
export const FORMAT_LOG_ARGUMENTS = String.raw`(function (maxChars) {
  var parts = [];
  for (var i = 1; i < arguments.length; i++) {
    var value = arguments[i], json = undefined;
    try {
      if (typeof value === "string") parts.push(value);
      else if (typeof value === "function") parts.push("[Function: " + (value.name || "anonymous") + "]");
      else if (value instanceof Error) parts.push(value.name + ": " + value.message + (value.stack ? "\n" + value.stack : ""));
      else {
        try {
          json = value !== null && typeof value === "object" ? JSON.stringify(value) : undefined;
        } catch (e) {} // circular structures and BigInt members print as String(value)
        parts.push(json === undefined ? String(value) : json);
      }
    } catch (e) {
      parts.push("(unprintable value)");
    }
  }
  var message = parts.join(" ");
  return message.length > maxChars ? message.slice(0, maxChars) : message;
})`;

export type GuestHelper = "quickCheck" | "replacer" | "describe" | "format";
export const GUEST_HELPER_SOURCES: Record<GuestHelper, string> = {
  quickCheck: RESULT_QUICK_CHECK,
  replacer: RESULT_REPLACER,
  describe: DESCRIBE_ERROR,
  format: FORMAT_LOG_ARGUMENTS,
};
