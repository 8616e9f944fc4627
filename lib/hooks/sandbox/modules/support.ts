/**
 * Guest JavaScript shared by the built-in modules: `host` is the bridge the require wrapper hands every
 * module (fetch over the SSRF-guarded, allowlisted host function; fail() ends the run with an error thrown
 * in an asynchronous callback; crypto() for hashes, HMACs and random bytes).
 */
export const SUPPORT_SOURCE = `
var support = {};
support.encodeQuery = function (params) {
  if (typeof params === 'string') return params.replace(/^\\?/, '');
  return Object.keys(params || {}).reduce(function (parts, key) {
    var value = params[key];
    if (value === undefined) return parts;
    (Array.isArray(value) ? value : [value]).forEach(function (item) {
      parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(item === null ? '' : String(item)));
    });
    return parts;
  }, []).join('&');
};
support.withQuery = function (url, params) {
  var query = support.encodeQuery(params);
  return query ? url + (url.indexOf('?') === -1 ? '?' : '&') + query : url;
};
var BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
support.utf8Bytes = function (text) {
  var bytes = [];
  var encoded = unescape(encodeURIComponent(String(text)));
  for (var i = 0; i < encoded.length; i++) bytes.push(encoded.charCodeAt(i));
  return bytes;
};
support.base64 = function (bytes) {
  var out = '';
  for (var i = 0; i < bytes.length; i += 3) {
    var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
    out += BASE64[(n >> 18) & 63] + BASE64[(n >> 12) & 63] + (i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? BASE64[n & 63] : '=');
  }
  return out;
};
support.basicAuth = function (user, pass) {
  return 'Basic ' + support.base64(support.utf8Bytes((user || '') + ':' + (pass || '')));
};
support.lowerHeaders = function (headers) {
  var out = {};
  Object.keys(headers || {}).forEach(function (name) { if (headers[name] !== undefined) out[name.toLowerCase()] = String(headers[name]); });
  return out;
};
support.call = function (fn, args) {
  if (typeof fn !== 'function') return;
  try { fn.apply(undefined, args); } catch (error) { host.fail(error); }
};
support.parseJson = function (text) {
  try { return text ? JSON.parse(text) : text; } catch (error) { return text; }
};
support.emitter = function (target) {
  var listeners = {};
  target.on = target.addListener = function (event, fn) { (listeners[event] = listeners[event] || []).push(fn); return target; };
  target.once = function (event, fn) {
    var wrapped = function () { target.off(event, wrapped); return fn.apply(undefined, arguments); };
    return target.on(event, wrapped);
  };
  target.off = target.removeListener = function (event, fn) {
    listeners[event] = (listeners[event] || []).filter(function (candidate) { return candidate !== fn; });
    return target;
  };
  target.emit = function (event) {
    var args = Array.prototype.slice.call(arguments, 1);
    (listeners[event] || []).slice().forEach(function (fn) { support.call(fn, args); });
    return (listeners[event] || []).length > 0;
  };
  return target;
};
`;
