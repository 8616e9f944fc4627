/**
 * Small built-in modules as guest CommonJS sources. uuid and crypto draw their randomness and digests
 * from the host (`host.crypto`, Node's crypto): the real uuid package needs typed arrays, which the guest
 * leaves out (see GUEST_INTRINSICS). querystring, url and buffer cover the parts of Node's modules that
 * hooks use, on strings.
 */

export const UUID_SOURCE = `
function v4() { return host.crypto('uuid'); }
var NIL = '00000000-0000-0000-0000-000000000000';
module.exports = {
  v4: v4,
  NIL: NIL,
  validate: function (value) { return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(value); },
  version: function (value) { return parseInt(String(value).charAt(14), 16); }
};
`;

/** `require('uuid/v4')` of uuid 3.x, still common in published hooks. */
export const UUID_V4_SOURCE = `module.exports = require('uuid').v4;`;

export const QUERYSTRING_SOURCE = `
function decode(text) { return decodeURIComponent(String(text).replace(/\\+/g, ' ')); }
module.exports = {
  stringify: function (params, sep, eq) {
    return support.encodeQuery(params).split('&').filter(Boolean).map(function (pair) { return eq ? pair.replace('=', eq) : pair; }).join(sep || '&');
  },
  parse: function (text, sep, eq) {
    var out = {};
    String(text || '').split(sep || '&').forEach(function (pair) {
      if (!pair) return;
      var at = pair.indexOf(eq || '=');
      var key = decode(at === -1 ? pair : pair.slice(0, at));
      var value = at === -1 ? '' : decode(pair.slice(at + 1));
      if (Object.prototype.hasOwnProperty.call(out, key)) out[key] = [].concat(out[key], value);
      else out[key] = value;
    });
    return out;
  },
  escape: function (text) { return encodeURIComponent(text); },
  unescape: function (text) { return decode(text); }
};
module.exports.encode = module.exports.stringify;
module.exports.decode = module.exports.parse;
`;

export const URL_SOURCE = `
var querystring = require('querystring');
var PATTERN = /^(?:([a-z][a-z0-9+.-]*:))?(?:\\/\\/(?:([^@/?#]*)@)?([^/:?#]*)(?::(\\d+))?)?([^?#]*)(\\?[^#]*)?(#.*)?$/i;
function parse(text, parseQuery) {
  var m = PATTERN.exec(String(text)) || [];
  var search = m[6] || null;
  var port = m[4] || null;
  var hostname = m[3] ? m[3].toLowerCase() : null;
  return {
    href: String(text), protocol: m[1] ? m[1].toLowerCase() : null, slashes: /^[a-z][a-z0-9+.-]*:\\/\\//i.test(text) || null,
    auth: m[2] || null, host: hostname ? hostname + (port ? ':' + port : '') : null, port: port, hostname: hostname,
    hash: m[7] || null, search: search, query: parseQuery ? querystring.parse(search ? search.slice(1) : '') : search ? search.slice(1) : null,
    pathname: m[5] || (hostname ? '/' : null), path: (m[5] || (hostname ? '/' : '')) + (search || '')
  };
}
function format(parts) {
  if (typeof parts === 'string') return parts;
  var search = parts.search || (parts.query && typeof parts.query === 'object' ? '?' + querystring.stringify(parts.query) : '');
  var host = parts.host || (parts.hostname ? parts.hostname + (parts.port ? ':' + parts.port : '') : '');
  return (parts.protocol ? parts.protocol.replace(/:?$/, ':') : '') + (host ? '//' + (parts.auth ? parts.auth + '@' : '') + host : '') + (parts.pathname || '') + (search === '?' ? '' : search) + (parts.hash || '');
}
function resolve(from, to) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(to)) return to;
  var base = parse(from);
  var origin = (base.protocol || '') + (base.host ? '//' + base.host : '');
  if (to.charAt(0) === '/') return origin + to;
  return origin + (base.pathname || '/').replace(/[^/]*$/, '') + to;
}
module.exports = { parse: parse, format: format, resolve: resolve };
`;

export const BUFFER_SOURCE = `
function fromBase64(text) {
  var chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var clean = String(text).replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '');
  var bytes = [];
  for (var i = 0; i < clean.length; i += 4) {
    var n = (chars.indexOf(clean[i]) << 18) | (chars.indexOf(clean[i + 1]) << 12) | ((chars.indexOf(clean[i + 2]) & 63) << 6) | (chars.indexOf(clean[i + 3]) & 63);
    bytes.push((n >> 16) & 255);
    if (i + 2 < clean.length) bytes.push((n >> 8) & 255);
    if (i + 3 < clean.length) bytes.push(n & 255);
  }
  return bytes;
}
function Buffer(bytes) { this.bytes = bytes; this.length = bytes.length; }
Buffer.from = function (value, encoding) {
  if (value instanceof Buffer) return new Buffer(value.bytes.slice());
  if (Array.isArray(value)) return new Buffer(value.map(function (byte) { return byte & 255; }));
  if (encoding === 'base64' || encoding === 'base64url') return new Buffer(fromBase64(value));
  if (encoding === 'hex') return new Buffer((String(value).match(/../g) || []).map(function (pair) { return parseInt(pair, 16); }));
  return new Buffer(support.utf8Bytes(value));
};
Buffer.isBuffer = function (value) { return value instanceof Buffer; };
Buffer.byteLength = function (value, encoding) { return Buffer.from(value, encoding).length; };
Buffer.concat = function (list) { return new Buffer([].concat.apply([], list.map(function (b) { return b.bytes; }))); };
Buffer.prototype.toString = function (encoding) {
  if (encoding === 'base64') return support.base64(this.bytes);
  if (encoding === 'base64url') return support.base64(this.bytes).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  if (encoding === 'hex') return this.bytes.map(function (byte) { return (byte < 16 ? '0' : '') + byte.toString(16); }).join('');
  return decodeURIComponent(escape(String.fromCharCode.apply(null, this.bytes)));
};
Buffer.prototype.toJSON = function () { return { type: 'Buffer', data: this.bytes.slice() }; };
module.exports = { Buffer: Buffer };
`;

export const CRYPTO_SOURCE = `
var Buffer = require('buffer').Buffer;
function digestOf(kind, algorithm, key) {
  var parts = [];
  var object = {
    update: function (data, encoding) { parts.push(Buffer.from(data, encoding).toString('base64')); return object; },
    digest: function (encoding) {
      var base64 = host.crypto(kind, algorithm, key === undefined ? null : Buffer.from(key).toString('base64'), parts);
      var bytes = Buffer.from(base64, 'base64');
      return encoding ? bytes.toString(encoding) : bytes;
    }
  };
  return object;
}
module.exports = {
  createHash: function (algorithm) { return digestOf('hash', String(algorithm)); },
  createHmac: function (algorithm, key) { return digestOf('hmac', String(algorithm), key); },
  randomBytes: function (size) { return Buffer.from(host.crypto('random', Number(size)), 'base64'); },
  randomUUID: function () { return host.crypto('uuid'); },
  getHashes: function () { return ['md5', 'sha1', 'sha256', 'sha384', 'sha512']; }
};
`;
