/**
 * The HTTP clients published hooks use, as guest CommonJS modules over `host.fetch` (see support.ts):
 * the request library's callback API, axios's promise API, node-fetch, Node's https/http request/get,
 * and slack-notify. Each is the subset of its package's API that hooks use, with the same names.
 */

export const REQUEST_SOURCE = `
function normalise(uri, options, callback) {
  if (typeof options === 'function') { callback = options; options = undefined; }
  var params = {};
  if (uri && typeof uri === 'object') Object.assign(params, uri);
  else params.uri = uri;
  if (options && typeof options === 'object') Object.assign(params, options);
  return { params: params, callback: callback };
}
function send(params, callback) {
  var url = String(params.uri && params.uri.href ? params.uri.href : params.uri || params.url || '');
  if (params.baseUrl) url = String(params.baseUrl).replace(/\\/$/, '') + '/' + url.replace(/^\\//, '');
  if (params.qs) url = support.withQuery(url, params.qs);
  var headers = support.lowerHeaders(params.headers);
  var body = params.body;
  if (params.form !== undefined) {
    body = support.encodeQuery(params.form);
    headers['content-type'] = headers['content-type'] || 'application/x-www-form-urlencoded';
  } else if (params.json !== undefined && params.json !== false) {
    headers.accept = headers.accept || 'application/json';
    if (params.json !== true) body = params.json;
    if (body !== undefined && typeof body !== 'string') {
      body = JSON.stringify(body);
      headers['content-type'] = headers['content-type'] || 'application/json';
    }
  }
  if (params.auth) {
    if (params.auth.bearer) headers.authorization = 'Bearer ' + params.auth.bearer;
    else headers.authorization = support.basicAuth(params.auth.user || params.auth.username, params.auth.pass || params.auth.password);
  }
  var method = String(params.method || 'GET').toUpperCase();
  host.fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : String(body) }).then(
    function (r) {
      var parsed = params.json ? support.parseJson(r.body) : r.body;
      var response = { statusCode: r.status, statusMessage: r.statusText, headers: r.headers, body: parsed, request: { method: method, uri: { href: url } } };
      support.call(callback, [null, response, parsed]);
    },
    function (error) { support.call(callback, [error]); }
  );
  return {};
}
function request(uri, options, callback) {
  var call = normalise(uri, options, callback);
  return send(call.params, call.callback);
}
['get', 'post', 'put', 'patch', 'delete', 'head'].forEach(function (name) {
  request[name] = function (uri, options, callback) {
    var call = normalise(uri, options, callback);
    call.params.method = name.toUpperCase();
    return send(call.params, call.callback);
  };
});
request.del = request['delete'];
request.defaults = function (defaults) {
  var wrapped = function (uri, options, callback) {
    var call = normalise(uri, options, callback);
    return send(Object.assign({}, defaults, call.params), call.callback);
  };
  Object.keys(request).forEach(function (name) {
    if (typeof request[name] === 'function' && name !== 'defaults') {
      wrapped[name] = function (uri, options, callback) {
        var call = normalise(uri, options, callback);
        return send(Object.assign({}, defaults, call.params, { method: name === 'del' ? 'DELETE' : name.toUpperCase() }), call.callback);
      };
    }
  });
  return wrapped;
};
module.exports = request;
`;

export const AXIOS_SOURCE = `
function create(defaults) {
  function dispatch(config) {
    config = Object.assign({}, defaults, config, { headers: Object.assign({}, defaults.headers, config.headers) });
    var url = String(config.url || '');
    if (config.baseURL && !/^https?:/i.test(url)) url = String(config.baseURL).replace(/\\/$/, '') + '/' + url.replace(/^\\//, '');
    if (config.params) url = support.withQuery(url, config.params);
    var headers = support.lowerHeaders(config.headers);
    var body = config.data;
    if (body !== undefined && typeof body !== 'string') {
      body = JSON.stringify(body);
      headers['content-type'] = headers['content-type'] || 'application/json';
    }
    headers.accept = headers.accept || 'application/json, text/plain, */*';
    if (config.auth) headers.authorization = support.basicAuth(config.auth.username, config.auth.password);
    var method = String(config.method || 'get').toUpperCase();
    return host.fetch(url, { method: method, headers: headers, body: body }).then(function (r) {
      var response = { data: support.parseJson(r.body), status: r.status, statusText: r.statusText, headers: r.headers, config: config, request: {} };
      var valid = config.validateStatus ? config.validateStatus(r.status) : r.status >= 200 && r.status < 300;
      if (valid) return response;
      var error = new Error('Request failed with status code ' + r.status);
      error.response = response;
      error.config = config;
      error.isAxiosError = true;
      throw error;
    });
  }
  function axios(url, config) {
    return typeof url === 'string' ? dispatch(Object.assign({}, config, { url: url })) : dispatch(url || {});
  }
  axios.request = function (config) { return dispatch(config || {}); };
  ['get', 'delete', 'head', 'options'].forEach(function (method) {
    axios[method] = function (url, config) { return dispatch(Object.assign({}, config, { url: url, method: method })); };
  });
  ['post', 'put', 'patch'].forEach(function (method) {
    axios[method] = function (url, data, config) { return dispatch(Object.assign({}, config, { url: url, method: method, data: data })); };
  });
  axios.create = function (more) { return create(Object.assign({}, defaults, more, { headers: Object.assign({}, defaults.headers, more && more.headers) })); };
  axios.defaults = defaults;
  axios.isAxiosError = function (error) { return Boolean(error && error.isAxiosError); };
  axios['default'] = axios;
  return axios;
}
module.exports = create({ headers: {} });
`;

export const NODE_FETCH_SOURCE = `
function fetch(url, init) {
  init = init || {};
  var body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string') body = String(body);
  return host.fetch(String(url && url.href ? url.href : url), { method: String(init.method || 'GET').toUpperCase(), headers: support.lowerHeaders(init.headers), body: body === null ? undefined : body })
    .then(function (r) {
      return {
        status: r.status, statusText: r.statusText, ok: r.status >= 200 && r.status < 300, url: r.url,
        headers: { get: function (name) { var value = r.headers[String(name).toLowerCase()]; return value === undefined ? null : value; }, raw: function () { return r.headers; } },
        text: function () { return Promise.resolve(r.body); },
        json: function () { return new Promise(function (resolve) { resolve(JSON.parse(r.body)); }); }
      };
    });
}
fetch['default'] = fetch;
module.exports = fetch;
`;

/** Node's http and https modules: request() and get(), with a response that emits 'data' and 'end'. */
export function nodeHttpSource(protocol: "http:" | "https:"): string {
  return `
function target(input, options) {
  var params = {};
  if (typeof input === 'string' || (input && input.href)) {
    var match = /^(https?:)\\/\\/([^/:?#]+)(?::(\\d+))?([^#]*)/i.exec(String(input.href || input));
    if (match) params = { protocol: match[1], hostname: match[2], port: match[3], path: match[4] || '/' };
    if (options && typeof options === 'object') Object.assign(params, options);
  } else {
    params = Object.assign({}, input);
  }
  var hostname = params.hostname || String(params.host || 'localhost').split(':')[0];
  var port = params.port || (params.host && String(params.host).split(':')[1]);
  return { url: (params.protocol || '${protocol}') + '//' + hostname + (port ? ':' + port : '') + (params.path || '/'), params: params };
}
function request(input, options, callback) {
  if (typeof options === 'function') { callback = options; options = undefined; }
  var destination = target(input, options);
  var chunks = [];
  var req = support.emitter({});
  if (callback) req.on('response', callback);
  req.write = function (chunk) { if (chunk !== undefined && chunk !== null) chunks.push(String(chunk)); return true; };
  req.setHeader = function (name, value) { destination.params.headers = Object.assign({}, destination.params.headers); destination.params.headers[name] = value; };
  req.setTimeout = function () { return req; };
  req.abort = req.destroy = function () {};
  req.end = function (chunk) {
    req.write(chunk);
    var body = chunks.length ? chunks.join('') : undefined;
    host.fetch(destination.url, { method: String(destination.params.method || 'GET').toUpperCase(), headers: support.lowerHeaders(destination.params.headers), body: body }).then(
      function (r) {
        var res = support.emitter({ statusCode: r.status, statusMessage: r.statusText, headers: r.headers });
        res.setEncoding = function () { return res; };
        res.resume = function () { return res; };
        req.emit('response', res);
        Promise.resolve().then(function () {
          if (r.body) res.emit('data', r.body);
          res.emit('end');
        });
      },
      function (error) { req.emit('error', error); }
    );
    return req;
  };
  return req;
}
module.exports = {
  request: request,
  get: function (input, options, callback) { var req = request(input, options, callback); req.end(); return req; }
};
`;
}

/** slack-notify: posts a message to an incoming-webhook URL. */
export const SLACK_NOTIFY_SOURCE = `
var request = require('request');
module.exports = function (webhookUrl) {
  function make(defaults) {
    var slack = {};
    slack.request = function (data, done) {
      if (!webhookUrl) return support.call(done, [new Error('No Slack URL provided.')]);
      request.post({ url: webhookUrl, body: JSON.stringify(data), headers: { 'content-type': 'application/json' } }, function (error, response) {
        if (!error && response.statusCode >= 300) error = new Error('Slack answered ' + response.statusCode + ': ' + response.body);
        if (error && slack.onError) slack.onError(error);
        support.call(done, [error || null]);
      });
    };
    slack.send = function (options, done) {
      if (typeof options === 'string') options = { text: options };
      var data = Object.assign({}, defaults, options);
      var message = { channel: data.channel, text: data.text, username: data.username, icon_url: data.icon_url, icon_emoji: data.icon_emoji, attachments: data.attachments, unfurl_links: data.unfurl_links, link_names: data.link_names };
      if (data.fields) {
        message.attachments = (message.attachments || []).concat([{ fallback: 'Alert details', fields: Object.keys(data.fields).map(function (title) { var value = data.fields[title]; return { title: title, value: typeof value === 'string' ? value : JSON.stringify(value), short: String(value).length < 25 }; }) }]);
      }
      Object.keys(message).forEach(function (key) { if (message[key] === undefined) delete message[key]; });
      return new Promise(function (resolve, reject) {
        slack.request(message, function (error) {
          support.call(done, [error || null]);
          if (error) reject(error); else resolve();
        });
      }).catch(function (error) { if (!done) throw error; });
    };
    slack.extend = function (more) {
      return function (options, done) { return slack.send(Object.assign({}, more, typeof options === 'string' ? { text: options } : options), done); };
    };
    slack.bug = slack.extend({ channel: '#bugs', icon_emoji: ':bomb:', username: 'Bug' });
    slack.alert = slack.extend({ channel: '#alerts', icon_emoji: ':warning:', username: 'Alert' });
    slack.note = slack.extend({ channel: '#alerts', icon_emoji: ':bulb:', username: 'Note' });
    slack.success = slack.extend({ channel: '#alerts', icon_emoji: ':trophy:', username: 'Hoorah' });
    return slack;
  }
  return make({});
};
`;
