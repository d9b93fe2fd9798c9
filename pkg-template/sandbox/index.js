// Local sandbox of the Contiguity HTTP API (iMessage sends and conversations).
//
// It is written from the service's OpenAPI files, independently of the client,
// so that it can catch the client's mistakes: it is deliberately stricter than
// the service (unknown keys, wrong content type, unknown query parameters are
// all refused) and records every request for assertions.
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const MAX_BODY_BYTES = 1024 * 1024;
const WEBHOOK_TIMEOUT_MS = 10_000;
const AGREEMENT_URL = 'https://contiguity.com/agreements/fast-track';

const TAPBACKS = ['love', 'like', 'dislike', 'laugh', 'emphasize', 'question'];
const FALLBACK_WHEN = ['imessage_unsupported', 'imessage_fails'];

const DEFAULT_CONFIG = Object.freeze({
  apiKeys: ['contiguity_sk_sandbox_test_key'],
  webhookSecret: 'whsec_sandbox_secret',
  leasedNumbers: ['+15550001111'],
  fastTrack: true,
  unavailable: [],
  apiVersion: 'v2026.8.2',
  log: false,
});

const MIME_BY_EXTENSION = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif',
  heic: 'image/heic', webp: 'image/webp', mp4: 'video/mp4', mov: 'video/quicktime',
  mp3: 'audio/mpeg', m4a: 'audio/mp4', caf: 'audio/x-caf', pdf: 'application/pdf',
  txt: 'text/plain', vcf: 'text/vcard',
};

// ---------------------------------------------------------------- small helpers

/** `prefix` followed by `length` random letters and digits. */
function randomId(prefix, length = 16) {
  let out = prefix;
  for (const byte of crypto.randomBytes(length)) out += ALNUM[byte % ALNUM.length];
  return out;
}

/** The `Contiguity-Signature` header value for `rawBody` signed at unix second `t`. */
export function signWebhook(rawBody, secret, t) {
  const hex = crypto.createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${t}.${rawBody}`, 'utf8'))
    .digest('hex');
  return `t=${t},v1=${hex}`;
}

export const isE164 = (value) => typeof value === 'string' && E164.test(value);
export const isRecipient = (value) => isE164(value) || (typeof value === 'string' && EMAIL.test(value));

const isPlainObject = (value) =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// The OpenAPI marks optional fields nullable: null means "not given".
const absent = (value) => value === undefined || value === null;

const clone = (value) => structuredClone(value);

class ApiError extends Error {
  /** `data` is merged into the envelope's data; `headers` are added to the response. */
  constructor(status, message, { data = {}, headers = {} } = {}) {
    super(message);
    this.status = status;
    this.data = data;
    this.headers = headers;
  }
}

function envelope(object, data, apiVersion) {
  const prefix = object === 'error' ? 'err_' : 'req_';
  return { id: randomId(prefix), timestamp: Date.now(), api_version: apiVersion, object, data };
}

function jsonResponse(status, value, headers = {}) {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

function errorResponse(status, message, apiVersion, extra = {}, headers = {}) {
  return jsonResponse(status, envelope('error', { error: message, status, ...extra }, apiVersion), headers);
}

// ---------------------------------------------------------------- request validation

/** Collects every problem with a request body, so one 400 reports them all. */
class Issues {
  list = [];
  add(path, message) { this.list.push(`${path}: ${message}`); }
  throwIfAny() {
    if (this.list.length) throw new ApiError(400, `Invalid request: ${this.list.join('; ')}`);
  }
}

function checkKeys(object, allowed, issues, path = 'body') {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length) issues.add(path, `unrecognized key(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
}

function checkRecipient(value, path, issues) {
  if (absent(value)) issues.add(path, 'required');
  else if (!isRecipient(value)) issues.add(path, 'must be an E.164 phone number (e.g. +15551234567) or an email address');
}

function checkNumber(value, path, issues, { required }) {
  if (absent(value)) { if (required) issues.add(path, 'required'); }
  else if (!isE164(value)) issues.add(path, 'must be an E.164 phone number (e.g. +15551234567)');
}

function checkEnum(value, allowed, path, issues) {
  if (absent(value)) issues.add(path, 'required');
  else if (!allowed.includes(value)) issues.add(path, `must be one of ${allowed.join(', ')}`);
}

function checkAttachments(value, issues) {
  if (absent(value)) return;
  if (!Array.isArray(value)) { issues.add('attachments', 'must be an array of URLs'); return; }
  if (value.length > 10) issues.add('attachments', `at most 10 attachments (got ${value.length})`);
  value.forEach((url, i) => {
    if (!isHttpsUrl(url)) issues.add(`attachments[${i}]`, 'must be an absolute https:// URL');
  });
}

function isHttpsUrl(value) {
  if (typeof value !== 'string' || !value.startsWith('https://')) return false;
  try {
    return Boolean(new URL(value).hostname);
  } catch {
    return false;
  }
}

function checkFallback(value, issues) {
  if (absent(value)) return;
  if (!isPlainObject(value)) { issues.add('fallback', 'must be an object'); return; }
  checkKeys(value, ['when', 'from'], issues, 'fallback');
  const { when } = value;
  if (!Array.isArray(when) || when.length === 0) {
    issues.add('fallback.when', 'must be a non-empty array');
  } else {
    when.forEach((item, i) => {
      if (!FALLBACK_WHEN.includes(item)) issues.add(`fallback.when[${i}]`, `must be one of ${FALLBACK_WHEN.join(', ')}`);
      else if (when.indexOf(item) !== i) issues.add(`fallback.when[${i}]`, `duplicate value "${item}"`);
    });
  }
  checkNumber(value.from, 'fallback.from', issues, { required: false });
}

function validateSend(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'message', 'from', 'attachments', 'fallback', 'fast_track'], issues);
  checkRecipient(body.to, 'to', issues);
  checkNumber(body.from, 'from', issues, { required: false });
  checkAttachments(body.attachments, issues);
  const hasAttachments = Array.isArray(body.attachments) && body.attachments.length > 0;
  if (absent(body.message)) {
    if (!hasAttachments) issues.add('message', 'required unless attachments are provided');
  } else if (typeof body.message !== 'string') {
    issues.add('message', 'must be a string');
  } else if (body.message === '' && !hasAttachments) {
    issues.add('message', 'must not be empty unless attachments are provided');
  }
  checkFallback(body.fallback, issues);
  if (!absent(body.fast_track) && typeof body.fast_track !== 'boolean') issues.add('fast_track', 'must be a boolean');
  issues.throwIfAny();
}

function validateTyping(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'action', 'from'], issues);
  checkRecipient(body.to, 'to', issues);
  checkEnum(body.action, ['start', 'stop'], 'action', issues);
  checkNumber(body.from, 'from', issues, { required: false });
  issues.throwIfAny();
}

function validateReaction(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'from', 'tapback', 'message', 'action'], issues);
  checkRecipient(body.to, 'to', issues);
  checkNumber(body.from, 'from', issues, { required: true });
  checkEnum(body.tapback, TAPBACKS, 'tapback', issues);
  checkEnum(body.action, ['add', 'remove'], 'action', issues);
  if (typeof body.message !== 'string' || body.message === '') issues.add('message', 'must be a non-empty string');
  issues.throwIfAny();
}

function validateRead(body) {
  const issues = new Issues();
  checkKeys(body, ['to', 'from'], issues);
  checkRecipient(body.to, 'to', issues);
  checkNumber(body.from, 'from', issues, { required: true });
  issues.throwIfAny();
}

/** `?tracking=true|false`, the only query parameter the conversation endpoints take. */
function readTracking(query) {
  const values = query.getAll('tracking');
  if (values.length > 1) throw new ApiError(400, 'Invalid request: tracking: given more than once');
  if (values.length === 0 || values[0] === 'false') return false;
  if (values[0] === 'true') return true;
  throw new ApiError(400, 'Invalid request: tracking: must be "true" or "false"');
}

function parseLimit(raw) {
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 200)) throw new ApiError(400, 'Invalid request: limit: must be an integer from 1 to 200');
  return limit;
}

// ---------------------------------------------------------------- options, config and faults

function requireStringList(value, key, check = (s) => s !== '') {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && check(item))) {
    throw new TypeError(`sandbox option "${key}" must be an array of valid strings`);
  }
}

/** Validates a config patch; error messages name the key, never a secret value. */
function normalizeConfig(patch) {
  if (!isPlainObject(patch)) throw new TypeError('sandbox config must be an object');
  const out = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    switch (key) {
      case 'apiKeys':
        requireStringList(value, key);
        if (value.length === 0) throw new TypeError('sandbox option "apiKeys" must not be empty');
        break;
      case 'leasedNumbers':
        requireStringList(value, key, isE164);
        if (value.length === 0) throw new TypeError('sandbox option "leasedNumbers" must not be empty');
        break;
      case 'unavailable':
        requireStringList(value, key);
        break;
      case 'webhookSecret':
      case 'apiVersion':
        if (typeof value !== 'string' || value === '') throw new TypeError(`sandbox option "${key}" must be a non-empty string`);
        break;
      case 'fastTrack':
      case 'log':
        if (typeof value !== 'boolean') throw new TypeError(`sandbox option "${key}" must be a boolean`);
        break;
      default:
        throw new TypeError(`unknown sandbox option "${key}"`);
    }
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

const FAULT_KEYS = ['method', 'path', 'times', 'status', 'headers', 'body', 'json', 'delayMs', 'hang', 'drop', 'dropBeforeRead'];

/** Validates one fault so that a typo (`delay` for `delayMs`) fails loudly instead of never firing. */
function normalizeFault(fault) {
  const bad = (why) => { throw new TypeError(`invalid sandbox fault: ${why}`); };
  if (!isPlainObject(fault)) bad('must be an object');
  const unknown = Object.keys(fault).filter((key) => !FAULT_KEYS.includes(key));
  if (unknown.length) bad(`unknown key(s) ${unknown.join(', ')}`);
  const f = { ...fault };
  if (f.method !== undefined && (typeof f.method !== 'string' || !f.method)) bad('method must be a string');
  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/'))) bad('path must start with "/"');
  if (f.times === undefined) f.times = 1;
  if (!Number.isInteger(f.times) || f.times < 1) bad('times must be a positive integer');
  if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 200 && f.status <= 599)) bad('status must be an integer from 200 to 599');
  if (f.headers !== undefined && !(isPlainObject(f.headers) && Object.values(f.headers).every((v) => typeof v === 'string'))) bad('headers must be an object of strings');
  if (f.body !== undefined && typeof f.body !== 'string') bad('body must be a string');
  if (f.body !== undefined && f.json !== undefined) bad('give body or json, not both');
  if (f.delayMs !== undefined && !(Number.isFinite(f.delayMs) && f.delayMs >= 0)) bad('delayMs must be a non-negative number');
  for (const key of ['hang', 'drop', 'dropBeforeRead']) {
    if (f[key] !== undefined && typeof f[key] !== 'boolean') bad(`${key} must be a boolean`);
  }
  const silent = ['hang', 'drop', 'dropBeforeRead'].filter((key) => f[key]);
  if (silent.length > 1) bad(`${silent.join(' and ')} cannot be combined`);
  if (silent.length && ['status', 'headers', 'body', 'json'].some((key) => f[key] !== undefined)) {
    bad(`${silent[0]} sends no response, so status/headers/body/json make no sense with it`);
  }
  if (f.dropBeforeRead && f.delayMs !== undefined) bad('dropBeforeRead happens at once; delayMs cannot apply');
  if (f.method) f.method = f.method.toUpperCase();
  // Lower-case names, so a given Content-Type replaces the default instead of doubling it.
  if (f.headers) f.headers = Object.fromEntries(Object.entries(f.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return f;
}

function faultMatches(fault, method, path) {
  if (fault.method && fault.method !== method) return false;
  if (!fault.path) return true;
  return fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path;
}

/** The response a fault imposes, or null when the request should be handled normally. */
function faultResponse(fault, apiVersion) {
  if (fault.json !== undefined) return jsonResponse(fault.status ?? 200, fault.json);
  if (fault.body !== undefined) {
    return { status: fault.status ?? 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: fault.body };
  }
  if (fault.status !== undefined) {
    return errorResponse(fault.status, http.STATUS_CODES[fault.status] ?? 'Error', apiVersion);
  }
  return null;
}

// ---------------------------------------------------------------- the sandbox

/**
 * Starts the sandbox HTTP server and resolves once it listens.
 * @param {import('./index.js').SandboxOptions} [options]
 */
export async function startSandbox(options = {}) {
  if (!isPlainObject(options)) throw new TypeError('startSandbox options must be an object');
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const config = { ...clone(DEFAULT_CONFIG), ...normalizeConfig(rest) };
  const state = new SandboxState(config);
  const server = http.createServer((req, res) => state.onRequest(req, res));
  state.trackSockets(server);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const actualPort = server.address().port;
  return state.publicApi(server, `http://${urlHost(host)}:${actualPort}`, actualPort);
}

function urlHost(host) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

class SandboxState {
  constructor(config) {
    this.config = config;
    this.sockets = new Set();
    this.lifetime = new AbortController();
    this.clear();
  }

  clear() {
    this.messageList = [];
    this.reactionList = [];
    this.typingState = new Map();
    this.requestLog = [];
    this.faults = [];
  }

  trackSockets(server) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  publicApi(server, url, port) {
    let closing = null;
    return {
      url,
      port,
      close: () => {
        // Hung and keep-alive sockets would hold server.close() open forever: destroy them.
        closing ??= new Promise((resolve) => {
          this.lifetime.abort();
          server.close(() => resolve());
          for (const socket of this.sockets) socket.destroy();
        });
        return closing;
      },
      requests: () => clone(this.requestLog),
      messages: () => clone(this.messageList),
      typing: () => clone([...this.typingState.values()]),
      reset: () => this.clear(),
      inject: (faults) => this.inject(faults),
      simulateIncoming: (params) => this.simulateIncoming(params),
      setConfig: (patch) => this.configure(patch),
    };
  }

  configure(patch) {
    Object.assign(this.config, normalizeConfig(patch));
  }

  inject(faults) {
    const list = (Array.isArray(faults) ? faults : [faults]).map(normalizeFault);
    this.faults.push(...list);
    return this.faults.length;
  }

  takeFault(method, path) {
    const index = this.faults.findIndex((fault) => faultMatches(fault, method, path));
    if (index < 0) return null;
    const fault = this.faults[index];
    fault.times -= 1;
    if (fault.times === 0) this.faults.splice(index, 1);
    return fault;
  }

  log(line) {
    // Method, path and status only: headers and bodies carry the API key and message text.
    if (this.config.log) console.error(`[contiguity-sandbox] ${line}`);
  }

  // ---------------------------------------------------------------- HTTP plumbing

  onRequest(req, res) {
    // Last resort for plumbing failures (e.g. the client resetting mid-body): never crash the process.
    this.route(req, res).catch((error) => {
      this.log(`internal error: ${error?.message}`);
      if (!res.headersSent) writeResponse(res, errorResponse(500, 'Internal Server Error', this.config.apiVersion));
    });
  }

  async route(req, res) {
    const [path, query = ''] = splitTarget(req.url);
    if (path === '/__sandbox' || path.startsWith('/__sandbox/')) return this.control(req, res, path);

    const fault = this.takeFault(req.method, path);
    const record = { method: req.method, path, query, headers: { ...req.headers }, body: '', json: null, status: 0 };
    this.requestLog.push(record);

    if (fault?.dropBeforeRead) return this.drop(req, record, 'dropBeforeRead');
    const { text, tooLarge } = await readBody(req);
    record.body = text;
    record.json = parseJsonOrNull(text);
    if (fault?.delayMs) {
      try {
        await sleep(fault.delayMs, undefined, { signal: this.lifetime.signal });
      } catch {
        return; // the sandbox closed while this request waited
      }
    }
    if (fault?.drop) return this.drop(req, record, 'drop');
    if (fault?.hang) {
      this.log(`${req.method} ${path} -> hang`);
      return; // never answer; close() destroys the socket if the client has not given up
    }

    const response = (fault && faultResponse(fault, this.config.apiVersion))
      ?? (tooLarge
        ? errorResponse(413, 'Payload Too Large', this.config.apiVersion)
        : this.handleApi(req, path, query, text));
    Object.assign(response.headers, fault?.headers);
    record.status = response.status;
    this.log(`${req.method} ${path} -> ${response.status}${fault ? ' (fault)' : ''}`);
    writeResponse(res, response);
  }

  drop(req, record, kind) {
    record.status = 0;
    this.log(`${req.method} ${record.path} -> ${kind}`);
    req.socket.destroy();
  }

  /** Runs an API request; every failure becomes an error envelope. */
  handleApi(req, path, query, text) {
    const apiVersion = this.config.apiVersion;
    try {
      const { route, params } = resolveRoute(req.method, path);
      this.authenticate(req.headers.authorization);
      const search = new URLSearchParams(query);
      const unknown = [...new Set(search.keys())].filter((key) => !route.query.includes(key));
      if (unknown.length) throw new ApiError(400, `Invalid request: unknown query parameter(s) ${unknown.join(', ')}`);
      const body = route.method === 'POST' ? parseJsonBody(req.headers['content-type'], text) : undefined;
      const data = this[route.handler]({ params, body, query: search });
      return jsonResponse(200, envelope('response', data, apiVersion));
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error.status, error.message, apiVersion, error.data, error.headers);
      this.log(`internal error: ${error?.message}`);
      return errorResponse(500, 'Internal Server Error', apiVersion);
    }
  }

  authenticate(header) {
    const match = /^(?:Token|Bearer)\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new ApiError(401, 'Unauthorized: missing Authorization header (expected "Token <api key>")');
    if (!this.config.apiKeys.includes(match[1])) throw new ApiError(401, 'Unauthorized: invalid API key');
  }

  // ---------------------------------------------------------------- API handlers

  send({ body }) {
    validateSend(body);
    if (body.fast_track === true && !this.config.fastTrack) {
      throw new ApiError(403, 'Forbidden: fast_track requires accepting the Fast Track Terms', { data: { agreement_url: AGREEMENT_URL } });
    }
    const timestamp = Date.now();
    const message = {
      id: randomId('imsg_', 20),
      direction: 'outgoing',
      to: body.to,
      from: body.from ?? this.config.leasedNumbers[0],
      message: body.message ?? '',
      attachments: body.attachments ?? [],
      timestamp,
      status: 'delivered',
      read: null,
      fallback: body.fallback ?? null,
      fast_track: body.fast_track ?? false,
      tracking: [
        trackingEvent('imessage.queued', 'Message Queued', timestamp),
        trackingEvent('imessage.sent', 'Message Sent', timestamp + 150),
        trackingEvent('imessage.delivery.confirmed', 'Message Delivered', timestamp + 900),
      ],
    };
    this.messageList.push(message);
    return { message_id: message.id };
  }

  typing({ body }) {
    validateTyping(body);
    const from = body.from ?? this.config.leasedNumbers[0];
    const status = body.action === 'start' ? 'started' : 'stopped';
    this.typingState.set(`${body.to}\n${from}`, { to: body.to, from, status, timestamp: Date.now() });
    return { status };
  }

  react({ body }) {
    validateReaction(body);
    const action = body.action === 'add' ? 'added' : 'removed';
    this.reactionList.push({
      person: body.to, leased: body.from,
      reaction: body.tapback, on: body.message, timestamp: Date.now(), action, from: body.from,
    });
    return { status: action, message: `Reaction ${action} to ${body.to} from ${body.from}` };
  }

  read({ body }) {
    validateRead(body);
    const now = Date.now();
    for (const message of this.messageList) {
      if (message.direction === 'incoming' && message.from === body.to && message.to === body.from && !message.read) {
        message.read = now;
      }
    }
    return { status: 'sent', message: `Read receipt sent to ${body.to} from ${body.from}` };
  }

  history({ params: [to, from, rawLimit], query }) {
    const issues = new Issues();
    checkRecipient(to, 'to', issues);
    checkNumber(from, 'from', issues, { required: true });
    issues.throwIfAny();
    const limit = parseLimit(rawLimit);
    const tracking = readTracking(query);
    // Newest first; a stable sort keeps later-stored messages first within the same millisecond.
    const all = this.messageList.filter((m) => isBetween(m, to, from)).reverse()
      .sort((a, b) => b.timestamp - a.timestamp);
    const conversation = all.slice(0, limit).map((m) => ({
      to: m.to,
      from: m.from,
      message: m.message,
      timestamp: m.timestamp,
      read: m.read ?? 0,
      delivery: { status: m.status, delayed: false, timestamp: m.timestamp },
      risk: { auto_reported_as_spam: false, marked_as_spam: false },
      attachments: [...m.attachments],
      ...(tracking ? { tracking: clone(m.tracking) } : {}),
    }));
    const reactions = this.reactionList
      .filter((r) => r.person === to && r.leased === from)
      .reverse()
      .map(({ reaction, on, timestamp, action, from: sender }) => ({ reaction, on, timestamp, action, from: sender }));
    return {
      conversation,
      reactions,
      chat: { filtered: false, chat_marked_as_spam: false, limit, total: all.length, count: conversation.length },
    };
  }

  getMessage({ params: [id], query }) {
    const tracking = readTracking(query);
    const m = this.messageList.find((candidate) => candidate.id === id);
    if (!m) throw new ApiError(404, `Not Found: no message with id "${id}"`);
    return {
      id: m.id, to: m.to, from: m.from, message: m.message, timestamp: m.timestamp,
      status: m.status, attachments: [...m.attachments],
      ...(tracking ? { tracking: clone(m.tracking) } : {}),
    };
  }

  availability({ params: [to] }) {
    const issues = new Issues();
    checkRecipient(to, 'to', issues);
    issues.throwIfAny();
    const unavailable = this.config.unavailable.includes(to) || to.endsWith('0000');
    return { available: !unavailable };
  }

  // ---------------------------------------------------------------- incoming webhooks

  async simulateIncoming(params) {
    const incoming = normalizeIncoming(params, this.config);
    const seconds = incoming.timestamp ?? Math.floor(Date.now() / 1000);
    const ms = incoming.timestamp === undefined ? Date.now() : seconds * 1000;
    this.messageList.push({
      id: randomId('imsg_', 20),
      direction: 'incoming',
      to: incoming.to,
      from: incoming.from,
      message: incoming.body,
      attachments: incoming.attachments.map((a) => a.url),
      timestamp: ms,
      status: 'received',
      read: null,
      tracking: [trackingEvent('imessage.incoming', 'Message Received', ms)],
    });
    const event = {
      id: randomId('evt_'),
      type: 'imessage.incoming',
      timestamp: seconds,
      api_version: this.config.apiVersion,
      data: { from: incoming.from, to: incoming.to, body: incoming.body, timestamp: seconds, attachments: incoming.attachments },
    };
    const rawBody = JSON.stringify(event);
    const signature = signWebhook(rawBody, incoming.secret ?? this.config.webhookSecret, seconds);
    if (incoming.url === undefined) return { event, rawBody, signature };
    const delivery = await postRaw(incoming.url, rawBody, {
      'content-type': 'application/json',
      'contiguity-signature': signature,
    }, this.lifetime.signal);
    this.log(`webhook imessage.incoming -> ${delivery.status}`);
    return { event, rawBody, signature, delivery };
  }

  // ---------------------------------------------------------------- control endpoints

  async control(req, res, path) {
    const { text } = await readBody(req);
    const reply = (status, value) => writeResponse(res, jsonResponse(status, value));
    const action = CONTROL_ROUTES[path];
    if (!action) return reply(404, { error: `unknown control endpoint ${path}` });
    if (req.method !== action.method) return reply(405, { error: `use ${action.method} for ${path}` });
    let input;
    if (action.method === 'POST') {
      input = text.trim() === '' ? {} : parseJsonOrNull(text);
      if (input === null) return reply(400, { error: 'body must be JSON' });
    }
    try {
      reply(200, await action.run(this, input));
    } catch (error) {
      reply(error instanceof TypeError ? 400 : 502, { error: error.message });
    }
  }
}

const CONTROL_ROUTES = {
  '/__sandbox/requests': { method: 'GET', run: (s) => s.requestLog },
  '/__sandbox/messages': { method: 'GET', run: (s) => s.messageList },
  '/__sandbox/typing': { method: 'GET', run: (s) => [...s.typingState.values()] },
  '/__sandbox/reset': { method: 'POST', run: (s) => { s.clear(); return { ok: true }; } },
  '/__sandbox/config': {
    method: 'POST',
    run: (s, patch) => { s.configure(patch); return { ok: true }; },
  },
  '/__sandbox/faults': { method: 'POST', run: (s, faults) => ({ queued: s.inject(faults) }) },
  '/__sandbox/incoming': { method: 'POST', run: (s, params) => s.simulateIncoming(params) },
};

const ROUTES = [
  { method: 'POST', pattern: /^\/send\/imessage$/, handler: 'send', query: [] },
  { method: 'POST', pattern: /^\/send\/imessage\/typing$/, handler: 'typing', query: [] },
  { method: 'POST', pattern: /^\/send\/imessage\/reactions$/, handler: 'react', query: [] },
  { method: 'POST', pattern: /^\/send\/imessage\/read$/, handler: 'read', query: [] },
  { method: 'GET', pattern: /^\/conversations\/history\/imessage\/([^/]+)\/([^/]+)\/([^/]+)$/, handler: 'history', query: ['tracking'] },
  { method: 'GET', pattern: /^\/conversations\/history\/message\/([^/]+)$/, handler: 'getMessage', query: ['tracking'] },
  { method: 'GET', pattern: /^\/conversations\/availability\/imessage\/([^/]+)$/, handler: 'availability', query: [] },
];

/** The route for a raw path, with its percent-decoded parameters; 404 or 405 otherwise. */
function resolveRoute(method, path) {
  const matches = ROUTES.map((route) => ({ route, m: route.pattern.exec(path) })).filter(({ m }) => m);
  if (matches.length === 0) throw new ApiError(404, `Not Found: no route for ${method} ${path}`);
  const hit = matches.find(({ route }) => route.method === method);
  if (!hit) {
    const allow = matches.map(({ route }) => route.method).join(', ');
    throw new ApiError(405, `Method Not Allowed: ${path} accepts ${allow}`, { headers: { allow } });
  }
  try {
    return { route: hit.route, params: hit.m.slice(1).map(decodeURIComponent) };
  } catch {
    throw new ApiError(400, 'Invalid request: malformed percent-encoding in the path');
  }
}

function parseJsonBody(contentType, text) {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') throw new ApiError(400, 'Invalid request: Content-Type must be application/json');
  const body = parseJsonOrNull(text);
  if (!isPlainObject(body)) throw new ApiError(400, 'Invalid request: body must be a JSON object');
  return body;
}

function parseJsonOrNull(text) {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function splitTarget(target) {
  const at = target.indexOf('?');
  return at < 0 ? [target] : [target.slice(0, at), target.slice(at + 1)];
}

/** Reads the whole body as UTF-8, keeping at most MAX_BODY_BYTES. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
    req.on('error', reject);
    req.on('close', () => { if (!req.complete) reject(new Error('the client closed the request mid-body')); });
  });
}

function writeResponse(res, { status, headers, body }) {
  if (res.destroyed) return; // the client gave up while we waited
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function isBetween(message, person, leased) {
  return (message.to === person && message.from === leased) || (message.from === person && message.to === leased);
}

function trackingEvent(event, title, ms) {
  return { event, title, timestamp: new Date(ms).toISOString() };
}

// ---------------------------------------------------------------- incoming helpers

function normalizeIncoming(params, config) {
  const bad = (why) => { throw new TypeError(`simulateIncoming: ${why}`); };
  if (!isPlainObject(params)) bad('expects an object');
  const allowed = ['url', 'from', 'to', 'body', 'attachments', 'secret', 'timestamp'];
  const unknown = Object.keys(params).filter((key) => !allowed.includes(key));
  if (unknown.length) bad(`unknown key(s) ${unknown.join(', ')}`);
  const { url, from, to = config.leasedNumbers[0], body = '', attachments = [], secret, timestamp } = params;
  if (url !== undefined && !isHttpUrl(url)) bad('url must be an http(s) URL');
  if (!isRecipient(from)) bad('from must be an E.164 number or an email address');
  if (!isE164(to)) bad('to must be an E.164 number (a leased number)');
  if (typeof body !== 'string') bad('body must be a string');
  if (!Array.isArray(attachments)) bad('attachments must be an array');
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) bad('secret must be a non-empty string');
  if (timestamp !== undefined && !(Number.isInteger(timestamp) && timestamp >= 0)) bad('timestamp must be unix seconds');
  return { url, from, to, body, secret, timestamp, attachments: attachments.map((a) => toAttachment(a, bad)) };
}

/** Accepts a URL string or `{ url, mime?, filename? }` and fills in what is missing. */
function toAttachment(item, bad) {
  const given = typeof item === 'string' ? { url: item } : item;
  const valid = isPlainObject(given) && isHttpUrl(given.url)
    && Object.keys(given).every((key) => ['url', 'mime', 'filename'].includes(key))
    && ['mime', 'filename'].every((key) => given[key] === undefined || typeof given[key] === 'string');
  if (!valid) bad('each attachment must be a URL or { url, mime?, filename? }');
  const filename = given.filename ?? lastSegment(given.url);
  const extension = filename.includes('.') ? filename.split('.').pop().toLowerCase() : '';
  const mime = given.mime ?? MIME_BY_EXTENSION[extension] ?? 'application/octet-stream';
  return { url: given.url, mime, filename };
}

function lastSegment(url) {
  const segment = new URL(url).pathname.split('/').pop() || 'attachment';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isHttpUrl(value) {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** POSTs `rawBody` byte for byte; resolves `{ status, body }`, rejects on network failure. */
function postRaw(url, rawBody, headers, signal) {
  const payload = Buffer.from(rawBody, 'utf8');
  const transport = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'POST',
      agent: false, // a fresh connection, so nothing lingers once delivered
      headers: { ...headers, 'content-length': payload.length, connection: 'close' },
      timeout: WEBHOOK_TIMEOUT_MS,
      signal,
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`webhook delivery timed out after ${WEBHOOK_TIMEOUT_MS} ms`)));
    request.on('error', (error) => reject(new Error(`webhook delivery failed: ${error.message}`)));
    request.end(payload);
  });
}
